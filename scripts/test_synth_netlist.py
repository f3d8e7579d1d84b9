#!/usr/bin/env python3
"""Unit test of the netlist plumbing of scripts/synth.py that once cut SRAM addresses (issue 6, root
cause 1: the flatten step declared the SRAM black box with a fixed 10-bit address, so the page
buffer's 13-bit address lost three bits and every segment of the netlist model read garbage; the
OpenSTA step had the same stub). On a made-up two-cell liberty and a hand-written netlist with SRAMs
of several depths, through the real Yosys steps: the flatten (flatten_netlist) and the OpenSTA
netlist (sta_netlist) keep every SRAM port at the width rtl/ifc_sram_1r1w.sv derives
(AddrW = $clog2(Depth)), and a port connected with another width fails the step. Seconds of Yosys.
ctest synth.netlist_widths (label unit)."""
import math
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synth  # noqa: E402

# Two cells in the osu018 liberty's layout (cell groups at column 0), enough for gen_cell_models and
# read_liberty -lib.
LIB = """library (tiny) {
  delay_model : table_lookup;
  time_unit : "1ns";
cell (NAND2X1) {
  area : 24;
  pin(A)  {
    direction : input;
  }
  pin(B)  {
    direction : input;
  }
  pin(Y)  {
    direction : output;
    function : "(!(A B))";
  }
}
cell (DFFPOSX1) {
  area : 96;
  ff (DS0000,P0002) {
    next_state : "D";
    clocked_on : "CLK";
  }
  pin(CLK)  {
    direction : input;
    clock : true;
  }
  pin(D)  {
    direction : input;
  }
  pin(Q)  {
    direction : output;
    function : "DS0000";
  }
}
}
"""

# Depths whose address is wider than 10 bits (the old stub's width), narrower, and not a power of two.
SHAPES = [(64, 4512), (16, 16), (32, 1024), (8, 32768)]


def netlist(shapes, addr_bits=None):
    """A write_verilog-style netlist: one SRAM per (Width, Depth), its address from the top's ports,
    its read data through a NAND2X1 and a DFFPOSX1 (so the cell models are exercised)."""
    ports, body = ["input clk_i"], []
    for i, (w, d) in enumerate(shapes):
        a = addr_bits[i] if addr_bits else max(1, math.ceil(math.log2(d)))
        ports += [f"input [{a - 1}:0] a{i}", f"input [{w - 1}:0] d{i}", f"output q{i}"]
        body += [f"  wire [{w - 1}:0] r{i};", f"  wire n{i};",
                 f"  ifc_sram_1r1w #(\n    .Depth(32'd{d}),\n    .Width(32'd{w})\n  ) u_m{i} (\n"
                 f"    .clk_i(clk_i), .raddr_i(a{i}), .rdata_o(r{i}), .re_i(a{i}[0]), .waddr_i(a{i}),\n"
                 f"    .wdata_i(d{i}), .we_i(d{i}[0])\n  );",
                 f"  NAND2X1 _g{i}_ (.A(r{i}[0]), .B(r{i}[{w - 1}]), .Y(n{i}));",
                 f"  DFFPOSX1 _f{i}_ (.CLK(clk_i), .D(n{i}), .Q(q{i}));"]
    return "module top(" + ", ".join(ports) + ");\n" + "\n".join(body) + "\nendmodule\n"


def read(path):
    with open(path) as f:
        return f.read()


def port_widths(text, module):
    """{port: width} of a module declared in a write_verilog output."""
    m = re.search(rf"^module {re.escape(module)}\b.*?^endmodule", text, flags=re.M | re.S)
    assert m, f"module {module} not in the output"
    out = {}
    for d in re.finditer(r"^\s*(?:input|output)\s+(?:\[(\d+):(\d+)\]\s+)?(\w+);", m.group(0), flags=re.M):
        out[d.group(3)] = int(d.group(1)) - int(d.group(2)) + 1 if d.group(1) else 1
    return out


def sram_connections(text):
    """{instance: {port: width of the connected top-level port}} for the SRAM instances of a flat
    netlist whose SRAM ports connect straight to top-level ports (as netlist() builds them)."""
    widths = port_widths(text, "top")
    out = {}
    for m in re.finditer(r"\bifc_sram_1r1w\w*\s*(?:#\(.*?\)\s*)?(\\?\S+)\s*\((.*?)\);", text, flags=re.S):
        conns = dict(re.findall(r"\.(\w+)\(([^()]*)\)", m.group(2)))
        out[m.group(1)] = {p: widths[s.strip()] for p, s in conns.items() if s.strip() in widths}
    return out


@unittest.skipUnless(shutil.which("yosys"), "yosys not installed")
class NetlistWidths(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="ifc_nl_widths_")
        self.lib = os.path.join(self.d, "tiny.lib")
        with open(self.lib, "w") as f:
            f.write(LIB)
        self.cells = os.path.join(self.d, "cells.v")
        with open(self.cells, "w") as f:
            f.write(synth.gen_cell_models(self.lib))

    def tearDown(self):
        shutil.rmtree(self.d, ignore_errors=True)

    def write(self, name, text):
        p = os.path.join(self.d, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def test_instances_parsed(self):
        insts = synth.sram_instances(netlist(SHAPES))
        self.assertEqual([(n, w, d) for _, n, w, d in insts], [(f"u_m{i}", w, d) for i, (w, d) in enumerate(SHAPES)])
        self.assertEqual(synth.area.verilog_int("32'd4512"), 4512)
        self.assertEqual(synth.area.verilog_int("'h1000"), 4096)
        self.assertEqual(synth.area.verilog_int(" 64 "), 64)

    def test_flatten_keeps_the_rtl_widths(self):
        out = os.path.join(self.d, "flat")
        os.makedirs(out)
        flat = read(synth.flatten_netlist(self.write("n.v", netlist(SHAPES)), self.cells, out, top="top"))
        conns = sram_connections(flat)
        self.assertEqual(len(conns), len(SHAPES))
        for i, (w, d) in enumerate(SHAPES):
            a = math.ceil(math.log2(d))
            self.assertEqual(conns[f"u_m{i}"], {"clk_i": 1, "raddr_i": a, "waddr_i": a, "wdata_i": w},
                             f"Depth {d}")
        # The cells became gates and flops: no cell instance is left.
        self.assertNotRegex(flat, r"\b(NAND2X1|DFFPOSX1)\b")

    def test_flatten_fails_on_a_cut_address(self):
        out = os.path.join(self.d, "flat")
        os.makedirs(out)
        # The page buffer's case: Depth 4512 (13 address bits) driven through 10.
        bad = self.write("bad.v", netlist(SHAPES, addr_bits=[10, 4, 10, 15]))
        with self.assertRaisesRegex(RuntimeError, "flatten FAILED"):
            synth.flatten_netlist(bad, self.cells, out, top="top")
        self.assertIn("Resizing cell port", read(os.path.join(out, "flatten.log")))

    def test_sta_stubs_have_the_rtl_widths(self):
        sta_v, stubs = synth.sta_netlist(self.write("n.v", netlist(SHAPES)), self.lib, self.d, "top")
        st = read(stubs)
        for w, d in SHAPES:
            a = math.ceil(math.log2(d))
            self.assertEqual(port_widths(st, f"ifc_sram_1r1w_w{w}_d{d}"),
                             {"clk_i": 1, "we_i": 1, "waddr_i": a, "wdata_i": w, "re_i": 1, "raddr_i": a,
                              "rdata_o": w}, f"Depth {d}")
        # No parameterised instance is left for OpenSTA 2019.
        self.assertNotIn("#(", read(sta_v))

    def test_sta_fails_on_a_cut_address(self):
        bad = self.write("bad.v", netlist([(64, 4512)], addr_bits=[10]))
        with self.assertRaisesRegex(RuntimeError, "Yosys FAILED"):
            synth.sta_netlist(bad, self.lib, self.d, "top")


if __name__ == "__main__":
    unittest.main()
