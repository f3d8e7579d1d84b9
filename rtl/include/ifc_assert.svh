// openifc assertion macros (the shape of OpenTitan's prim_assert.sv).
//
// All macros expand to nothing under SYNTHESIS (Yosys) so the area flow never sees them.
// Concurrent assertions are placed at module level only (Verilator 5.006 limits: no ##N,
// no sequences, no [*N], no `default disable iff`).
//
//   `IFC_ASSERT(name, prop)            prop holds on every rising clk_i edge out of reset
//   `IFC_ASSERT_INIT(name, prop)       prop holds at time zero (parameter checks)
//   `IFC_ASSERT_STABLE(name, valid, ready, payload)
//                                      payload is unchanged while valid && !ready (valid/ready rule)
//   `IFC_ASSERT_KNOWN(name, sig)       sig has no X/Z bits out of reset
//   `IFC_COVER(name, prop)             coverage point
//
// The macros assume the enclosing module has clk_i and rst_ni.
`ifndef IFC_ASSERT_SVH
`define IFC_ASSERT_SVH

`ifndef SYNTHESIS

`define IFC_ASSERT(__name, __prop) \
  __name: assert property (@(posedge clk_i) disable iff (!rst_ni) (__prop)) \
    else $error("[%m] assertion %s failed", `"__name`");

`define IFC_ASSERT_INIT(__name, __prop) \
  initial begin : __name \
    if (!(__prop)) $error("[%m] parameter check %s failed", `"__name`"); \
  end

`define IFC_ASSERT_STABLE(__name, __valid, __ready, __payload) \
  __name: assert property (@(posedge clk_i) disable iff (!rst_ni) \
    ($past(__valid) && !$past(__ready) && $past(rst_ni)) |-> (__valid && (__payload) == $past(__payload))) \
    else $error("[%m] valid/ready stability %s failed", `"__name`");

`define IFC_ASSERT_KNOWN(__name, __sig) \
  __name: assert property (@(posedge clk_i) disable iff (!rst_ni) !$isunknown(__sig)) \
    else $error("[%m] %s is unknown", `"__name`");

`define IFC_COVER(__name, __prop) \
  __name: cover property (@(posedge clk_i) disable iff (!rst_ni) (__prop));

`else

`define IFC_ASSERT(__name, __prop)
`define IFC_ASSERT_INIT(__name, __prop)
`define IFC_ASSERT_STABLE(__name, __valid, __ready, __payload)
`define IFC_ASSERT_KNOWN(__name, __sig)
`define IFC_COVER(__name, __prop)

`endif

`endif // IFC_ASSERT_SVH
