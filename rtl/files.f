// openifc RTL file list, in compile order (packages first). Read by Verilator, Yosys and lint.
+incdir+rtl/include
rtl/ifc_pkg.sv
rtl/ifc_sram_1r1w.sv
rtl/ifc_page_buffer.sv
rtl/ifc_plane_lane.sv
rtl/ifc_read_path.sv
rtl/ifc_ecc_checker.sv
rtl/ifc_ecc_corr_engine.sv
rtl/ifc_ecc_corrector.sv
rtl/ifc_fp32_add.sv
rtl/ifc_act_buffer.sv
rtl/ifc_pe_lane.sv
rtl/ifc_scoreboard.sv
rtl/ifc_seg_fifo.sv
rtl/ifc_prefetch_seq.sv
rtl/ifc_dispatch.sv
rtl/ifc_core.sv
