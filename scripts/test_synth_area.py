#!/usr/bin/env python3
"""Unit test of the area model and the regression checker (scripts/synth_area.py) on made-up numbers:
no Yosys run. ctest synth.area_check (label unit)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synth_area as a  # noqa: E402

STAT = r"""
=== $paramod$abc123\ifc_engine ===

   Number of cells:                  3
     NAND2X1                         2
     DFFPOSX1                        1

   Chip area for module '$paramod$abc123\ifc_engine': 144.000000

=== $paramod$def456\ifc_ecc_corrector ===

   Number of cells:                  5
     $paramod$abc123\ifc_engine      4
     INVX1                           1
     ifc_sram_1r1w                   1

   Chip area for module '$paramod$def456\ifc_ecc_corrector': 16.000000

=== ifc_core ===

   Number of cells:                  3
     $paramod$def456\ifc_ecc_corrector      2
     NAND2X1                         1

   Chip area for module '\ifc_core': 24.000000

=== design hierarchy ===

   ifc_core                          1
     $paramod$def456\ifc_ecc_corrector      2
       $paramod$abc123\ifc_engine      4

   Chip area for top module '\ifc_core': 1208.000000
"""

NETLIST = r"""
module \$paramod$def456\ifc_ecc_corrector (clk_i);
  ifc_sram_1r1w #(
    .Depth(32'd100),
    .Width(32'd64)
  ) u_buf (
    .clk_i(clk_i)
  );
endmodule
module ifc_core(clk_i);
endmodule
"""


class AreaModel(unittest.TestCase):
    def test_base_names(self):
        self.assertEqual(a.base_name(r"$paramod$5370c4\ifc_page_buffer"), "ifc_page_buffer")
        self.assertEqual(a.base_name(r"$paramod\ifc_scoreboard\Window=32'd128"), "ifc_scoreboard")
        self.assertEqual(a.base_name(r"\ifc_core"), "ifc_core")

    def test_hierarchical_counting(self):
        mods = a.parse_stat(STAT)
        srams = a.parse_srams(NETLIST)
        rows, tot = a.block_table(mods, srams, "ifc_core")
        by = {r["block"]: r for r in rows}
        # 2 correctors x 4 engines = 8 engines of 144 um^2
        self.assertEqual(by["ifc_engine"]["instances"], 8)
        self.assertAlmostEqual(by["ifc_engine"]["um2"], 8 * 144)
        self.assertAlmostEqual(by["ifc_engine"]["ge"], 8 * 144 / 24)
        self.assertEqual(by["ifc_engine"]["cells"], 24)
        self.assertEqual(by["ifc_ecc_corrector"]["instances"], 2)
        self.assertEqual(by["ifc_ecc_corrector"]["cells"], 2)  # the INVX1; no SRAM, no submodules
        self.assertEqual(by["ifc_ecc_corrector"]["sram_overhead_bits"], 2 * 64 * 100)
        self.assertAlmostEqual(tot["um2"], 1208.0)
        self.assertAlmostEqual(a.hier_total_um2(mods, "ifc_core"), 1208.0)

    def test_page_buffer_latches_are_not_overhead(self):
        mods = {"ifc_core": {"area": 0.0, "cells": {r"$paramod$1\ifc_page_buffer": 4}},
                r"$paramod$1\ifc_page_buffer": {"area": 24.0, "cells": {"ifc_sram_1r1w": 1}}}
        rows, tot = a.block_table(mods, {r"$paramod$1\ifc_page_buffer": [(64, 4512)]}, "ifc_core")
        pb = [r for r in rows if r["block"] == "ifc_page_buffer"][0]
        self.assertEqual(pb["sram_bits"], 4 * 64 * 4512)
        self.assertEqual(pb["sram_overhead_bits"], 0)
        self.assertEqual(tot["sram_mm2"], 0.0)

    def test_sram_parameters_of_every_literal_form(self):
        # write_verilog prints a parameter computed from a signed expression as 32'sd<n> (the
        # softmax's and the scoreboard's widths, a depth of MaxD / Macs): each must be read, never
        # replaced by the default (which once counted the 32-bit softmax buffer as 64 bits wide).
        net = ("module \\$paramod\\ifc_softmax\\MaxTokens=1 (clk);\n"
               "  ifc_sram_1r1w #(\n    .Depth(32'd4096),\n    .Width(32'sd32)\n  ) u_buf (\n  );\n"
               "  ifc_sram_1r1w #(.Depth(32'h400), .Width(32'sd256)) u_acc (\n  );\n"
               "  ifc_sram_1r1w #(.Width(8'b1000000)) u_def (\n  );\n"
               "endmodule\n")
        self.assertEqual(a.parse_srams(net), {"$paramod\\ifc_softmax\\MaxTokens=1": [(32, 4096), (256, 1024), (64, 1024)]})
        self.assertEqual(a.verilog_int("32'sd33"), 33)
        with self.assertRaises(ValueError):
            a.sram_params(".Width(WIDTH)")

    def test_scaling_constants(self):
        # 1 MGE of logic at 28 nm: 0.2564 um^2 / 0.7 per GE = 0.366 mm^2
        self.assertAlmostEqual(a.logic_mm2(1e6), 0.3663, places=3)
        # 1 Mbit of SRAM: 0.127 / 0.5 um^2 per bit = 0.254 mm^2
        self.assertAlmostEqual(a.sram_mm2(1 << 20), 0.2663, places=3)


class Regression(unittest.TestCase):
    BASE = {"default": {"ifc_dispatch": 1000, "ifc_pe_lane": 2000, "total": 3000}}

    def test_within_tolerance_passes(self):
        f, _ = a.check_regression({"default": {"ifc_dispatch": 1050, "ifc_pe_lane": 2000, "total": 3050}}, self.BASE)
        self.assertEqual(f, [])

    def test_growth_over_5_percent_fails(self):
        f, _ = a.check_regression({"default": {"ifc_dispatch": 1051, "ifc_pe_lane": 2000, "total": 3051}}, self.BASE)
        self.assertEqual(len(f), 1)
        self.assertIn("ifc_dispatch", f[0])

    def test_total_growth_fails_too(self):
        f, _ = a.check_regression({"default": {"ifc_dispatch": 1000, "ifc_pe_lane": 2000, "total": 3200}}, self.BASE)
        self.assertTrue(any("total" in x for x in f))

    def test_shrink_and_new_blocks_are_notes(self):
        f, n = a.check_regression({"default": {"ifc_dispatch": 500, "ifc_pe_lane": 2000, "ifc_new": 10,
                                               "total": 2510}}, self.BASE)
        self.assertEqual(f, [])
        self.assertTrue(any("ifc_new" in x for x in n))
        self.assertTrue(any("shrank" in x for x in n))

    def test_unknown_config_is_a_note(self):
        f, n = a.check_regression({"other": {"ifc_dispatch": 99999}}, self.BASE)
        self.assertEqual(f, [])
        self.assertTrue(any("no baseline" in x for x in n))

    def test_custom_tolerance(self):
        f, _ = a.check_regression({"default": {"ifc_dispatch": 1020}}, self.BASE, tol=0.01)
        self.assertEqual(len(f), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
