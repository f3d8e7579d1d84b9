#!/usr/bin/env python3
"""Writes sim/waves/core.gtkw, the GTKWave layout of ifc_core: one group per block of the data flow
(cmd/act/res, NAND interface, page buffers, checker + segment FIFOs, corrector, PE lanes,
scoreboard), FSM states through the translate filters of sim/waves/filters/ (scripts/wave_filters.py),
the corrector tags shown as their segment index g (the low 32 bits of the TAG_W-bit tag).
The save file is checked in; edit this script (or the file in GTKWave) and re-run it when the
signals change. ctest docs.core_gtkw_signals_exist checks every signal against a real trace.

  python3 scripts/gen_core_gtkw.py
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
TAG_W = 52  # corrector tag {retry step, s, g} (rtl/ifc_core.sv cin_tag)
C = "top.ifc_core"
F = "sim/waves/filters/"
out = []
FILTERS = {}
def w(s): out.append(s)
def grp(name, sigs, closed=False):
    w("@c00200" if closed else "@800200"); w("-" + name)
    for s in sigs:
        kind, name_ = s[0], s[1]
        alias = s[2] if len(s) > 2 else None
        if kind == "b": w("@28")
        elif kind == "h": w("@22")
        elif kind == "d": w("@24")
        elif kind.startswith("f:"):
            fn = kind[2:]
            idx = FILTERS.setdefault(fn, len(FILTERS) + 1)  # one slot per filter file
            w("@2024"); w(f"^{idx} " + F + fn)
        elif kind.startswith("g:"):  # low 32 bits (g) of a 48-bit tag, decimal
            w("@24")
            width = TAG_W
            bits = " ".join(f"({i}){name_}" for i in range(width - 32, width))
            w(f"#{{{alias}}} {bits}")
            continue
        w((f"+{{{alias}}} " if alias else "") + name_)
    w("@1401200" if closed else "@1000200"); w("-" + name)
corr = f"{C}.g_corr[0].u_corr"
w("[*] openifc: ifc_core waveform layout. Signals grouped by block; FSM states by name through the")
w("[*] translate filters in sim/waves/filters/ (generated from the RTL enums by scripts/wave_filters.py).")
w("[*] Open from the repository root: gtkwave build/waves/<file>.fst sim/waves/core.gtkw")
w("[timestart] 0")
w("[size] 1800 1000")
w("[signals_width] 430")
w("[sst_expanded] 0")
w("[sst_vpaned_height] 300")
w("@28"); w(f"{C}.clk_i")
w("@28"); w(f"{C}.rst_ni")
grp("cmd / act / res (host)", [
    ("f:core_state_e.gtkwf", f"{C}.state_q[3:0]", "core state"),
    ("b", f"{C}.cmd_valid_i"), ("b", f"{C}.cmd_ready_o"), ("h", f"{C}.cmd_data_i[127:0]"),
    ("b", f"{C}.act_valid_i"), ("b", f"{C}.act_ready_o"), ("b", f"{C}.act_last_i"),
    ("b", f"{C}.res_valid_o"), ("b", f"{C}.res_ready_i"), ("h", f"{C}.res_data_o[63:0]"),
], closed=True)
grp("NAND interface", [
    ("b", f"{C}.nand_cmd_valid_o"), ("b", f"{C}.nand_cmd_ready_i"), ("d", f"{C}.nand_cmd_page_o[31:0]"),
    ("h", f"{C}.nand_cmd_plane_mask_o[3:0]"), ("b", f"{C}.nand_cmd_cache_o"),
    ("h", f"{C}.nand_dat_valid_i[3:0]"), ("h", f"{C}.nand_dat_last_i[3:0]"), ("h", f"{C}.nand_dat_err_i[3:0]"),
], closed=True)
pb = f"{C}.g_plane[0].u_lane.u_page_buffer"
grp("Page buffers (plane 0: data + cache latch)", [
    ("f:bank_state_e.gtkwf", f"{pb}.st0_q[1:0]", "plane0 latch0"),
    ("f:bank_state_e.gtkwf", f"{pb}.st1_q[1:0]", "plane0 latch1"),
    ("d", f"{pb}.seg_q[5:0]"), ("d", f"{C}.g_plane[0].u_lane.cred_q[2:0]", "plane0 credits"),
    ("f:bank_state_e.gtkwf", f"{C}.g_plane[1].u_lane.u_page_buffer.st0_q[1:0]", "plane1 latch0"),
    ("f:bank_state_e.gtkwf", f"{C}.g_plane[1].u_lane.u_page_buffer.st1_q[1:0]", "plane1 latch1"),
], closed=True)
grp("ECC checker (per plane) and segment FIFOs", [
    ("b", f"{C}.g_plane[0].u_chk.out_valid_o", "chk0 out_valid"),
    ("b", f"{C}.g_plane[0].u_chk.out_last_o", "chk0 out_last"),
    ("b", f"{C}.g_plane[0].u_chk.out_dirty_o", "chk0 dirty"),
    ("b", f"{C}.g_plane[0].u_chk.out_erased_o", "chk0 erased"),
    ("h", f"{C}.fifo_valid[3:0]"), ("h", f"{C}.fifo_ready[3:0]"),
], closed=True)
grp("Corrector port 0 (dirty segments, tag g)", [
    ("b", f"{corr}.in_valid_i", "in_valid"), ("b", f"{corr}.in_ready_o", "in_ready"),
    ("g:TAG", f"{corr}.in_tag_i[{TAG_W - 1}:0]", "in g"),
    ("f:ifc_ecc_corr_engine.state_e.gtkwf", f"{corr}.g_eng[0].u_engine.st_q[2:0]", "engine0"),
    ("f:ifc_ecc_corr_engine.state_e.gtkwf", f"{corr}.g_eng[1].u_engine.st_q[2:0]", "engine1"),
    ("f:ifc_ecc_corr_engine.state_e.gtkwf", f"{corr}.g_eng[2].u_engine.st_q[2:0]", "engine2"),
    ("f:ifc_ecc_corr_engine.state_e.gtkwf", f"{corr}.g_eng[3].u_engine.st_q[2:0]", "engine3"),
    ("b", f"{corr}.out_valid_o", "out_valid (corrected)"), ("b", f"{corr}.out_ready_i", "out_ready"),
    ("g:TAG", f"{corr}.out_tag_o[{TAG_W - 1}:0]", "out g"),
    ("b", f"{corr}.out_uncorrectable_o", "uncorrectable"),
])
lanes = []
for l in range(4):
    pe = f"{C}.g_pe[{l}].u_pe"
    lanes += [("b", f"{pe}.seg_valid_i", f"lane{l} seg_valid"), ("d", f"{pe}.seg_tag_i[31:0]", f"lane{l} seg g")]
grp("PE lanes (segment start, tag g)", lanes)
grp("Scoreboard (commit in g order)", [
    ("b", f"{C}.ps_valid", "psum valid"), ("d", f"{C}.ps_g[31:0]", "psum g"), ("b", f"{C}.ps_fail", "psum fail"),
    ("d", f"{C}.sb_commit[31:0]", "committed"), ("d", f"{C}.sb_limit[31:0]", "window limit"),
    ("b", f"{C}.row_valid", "row valid"), ("d", f"{C}.row_idx[31:0]", "row"),
])
grp("ATTN (softmax, p.V reorder buffer, p.V lane, open stripe from the write buffer)", [
    ("b", f"{C}.sm_in_valid", "scores in"), ("b", f"{C}.sm_out_valid", "p out"),
    ("b", f"{C}.pv_mode", "p.V mode"), ("d", f"{C}.u_rob.head_q[31:0]", "rob head g"),
    ("b", f"{C}.rob_v_valid", "V beat valid"), ("b", f"{C}.rob_v_ready", "V beat ready"),
    ("b", f"{C}.pv_out_valid", "output valid"),
    ("b", f"{C}.ic_busy_q", "open page busy"), ("b", f"{C}.ord_valid", "write-buffer beat"),
], closed=True)
(ROOT / "sim" / "waves" / "core.gtkw").write_text("\n".join(out) + "\n")
print("gen_core_gtkw: wrote sim/waves/core.gtkw")
