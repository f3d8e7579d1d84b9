#!/usr/bin/env python3
"""Unit test of the callgrind parsing in scripts/sim_cost.py on made-up annotate output: no
valgrind run. ctest bench.sim_cost_parse (label unit)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sim_cost as s  # noqa: E402

M = "/b/sim/vl_core_fast/"
TREE = f"""
1,740,000 (93.77%)  < /b/tb/common/core_driver.cpp:ifc::tb::run_gemv(ifc::tb::RtlSim<Vifc_core>&) [clone .constprop.0] (1,000x)
   20,000 ( 0.00%)  < /b/tb/bench/bench_gemv.cpp:main (4x)
1,760,000 (93.80%)  *  {M}Vifc_core.cpp:Vifc_core::eval_step() [/b/tb/bench/bench_gemv]

1,550,000 (83.62%)  *  {M}Vifc_core___024root__DepSet_h1__0.cpp:Vifc_core::eval_step()
1,548,000 (83.42%)  < {M}Vifc_core___024root__DepSet_h1__0.cpp:Vifc_core::eval_step() (1,004x)

1,900,000 (99.00%)  < /b/tb/bench/bench_gemv.cpp:main (2x)
1,950,000 (99.10%)  *  /b/tb/common/core_driver.cpp:ifc::tb::run_gemv(ifc::tb::RtlSim<Vifc_core>&) [clone .constprop.0] [/b/tb/bench/bench_gemv]
""".splitlines()

FLAT = f"""
1,855,863,068 (100.0%)  PROGRAM TOTALS
152,000 ( 8.20%)  {M}Vifc_core___024root__DepSet_h1__0.cpp:Vifc_core___024root___ico_sequent__TOP__0(Vifc_core___024root*) [/b/bench_gemv]
133,000 ( 7.17%)  {M}Vifc_core___024root__DepSet_h1__1.cpp:Vifc_core___024root___nba_comb__TOP__5(Vifc_core___024root*)
 46,000 ( 2.52%)  {M}Vifc_core_ifc_plane_lane__pi2__DepSet_h6__0.cpp:Vifc_core___024root___eval_nba(Vifc_core___024root*)
 20,000 ( 1.00%)  {M}Vifc_core_ifc_ecc_corr_engine__pi7__DepSet_h6__0.cpp:Vifc_core_ifc_ecc_corr_engine__pi7___nba_comb__x(Vifc_core_ifc_ecc_corr_engine__pi7*)
 10,000 ( 0.50%)  {M}Vifc_core_ifc_ecc_corrector__pi4__DepSet_h7__0.cpp:Vifc_core_ifc_ecc_corrector__pi4___nba_comb__y(Vifc_core_ifc_ecc_corrector__pi4*)
  7,000 ( 0.43%)  {M}Vifc_core.cpp:Vifc_core::eval_step() [/b/bench_gemv]
  5,000 ( 0.30%)  /usr/share/verilator/include/verilated.cpp:Verilated::debug()
  9,000 ( 0.50%)  ???:std::mersenne_twister_engine<unsigned long>::_M_gen_rand() [/b/bench_gemv]
""".splitlines()


class SimCostParse(unittest.TestCase):
    def test_inclusive_takes_the_entry_with_callers(self):
        model_ir, evals, run_ir = s.parse_inclusive(TREE)
        self.assertEqual(model_ir, 1_760_000)
        self.assertEqual(evals, 1_004)       # both callers' call counts
        self.assertEqual(run_ir, 1_950_000)  # the whole run_gemv, not the caller lines

    def test_blocks_by_source_file(self):
        b = s.parse_blocks(FLAT)
        self.assertEqual(b[s.TOP_ICO], 152_000)
        self.assertEqual(b[s.TOP], 133_000)
        self.assertEqual(b["plane lanes (page buffers)"], 46_000)  # inlined into eval_nba
        self.assertEqual(b["ECC correction engines"], 20_000)      # not "ECC correctors"
        self.assertEqual(b["ECC correctors"], 10_000)
        self.assertEqual(b[s.SCHED], 12_000)
        self.assertEqual(sum(b.values()), 373_000)                 # the RNG is the testbench's


if __name__ == "__main__":
    unittest.main()
