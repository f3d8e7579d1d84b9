// openifc RTL file list, in compile order (packages first). Read by Verilator, Yosys and lint.
+incdir+rtl/include
rtl/ifc_pkg.sv
rtl/ifc_sram_1r1w.sv
rtl/ifc_page_buffer.sv
rtl/ifc_plane_lane.sv
rtl/ifc_read_path.sv
rtl/ifc_ecc_checker.sv
