`default_nettype none
/// Formal harness for ifc_scoreboard (yosys-smtbmc + z3, scripts/formal.sh, ctest label formal).
///
/// Small configuration: Window = 4, GEMVs of rows_i, segs_per_row_i in 0..3 (so g in 0..8 and the
/// window slides), any dtype. Every input is free: start_i at any time (also while busy), psums with
/// any g, value and fail flag (also while idle, duplicated, outside the window, past the GEMV),
/// any row_ready_i. A psum is *legal* if it arrives while busy with g < rows*segs, g < limit_o and
/// g not sent before in this GEMV; the harness keeps a shadow of the legal ones only, so the
/// properties also prove that every illegal psum and every start while busy is ignored.
/// Data: for INT GEMVs the psum of segment g < 16 is the one-hot value 2^g (any other g carries a
/// free value), so a row's int32 sum names exactly the segments that went into it: a lost,
/// duplicated or foreign psum changes it. (Free 32-bit values would make the solver prove the
/// associativity of a 32-bit adder chain, which SAT cannot do in reasonable time.) BF16 values are
/// free (the adder's rounding is checked against its C++ twin in simulation).
///
/// Properties, checked at every step:
///   - in-order, each row exactly once: the k-th row taken on row_* has index k (k counts from 0
///     at every accepted start), and k < rows (never more rows than started);
///   - no early commit: a row is emitted only after all of its segments arrived (legally);
///   - row_failed_o is exactly "some legal psum of the row had fail";
///   - INT dtypes: row_value_o is exactly the sum of the row's segments, 2^(r*S) * (2^S - 1) (0 if
///     failed), so no psum is lost, duplicated or taken from another row;
///   - done_o / busy_o: after an accepted start, done_o == (all rows emitted) and busy_o == !done_o;
///   - credit: while busy, limit_o == commit_o + Window and commit_o <= legal psums received;
///   - the row payload is stable while row_valid_o && !row_ready_i.
module ifc_scoreboard_fv (
  input wire logic        clk_i,
  input wire logic        start_i,
  input wire logic [1:0]  rows_i,
  input wire logic [1:0]  segs_i,
  input wire logic [1:0]  dtype_i,
  input wire logic        ps_valid_i,
  input wire logic [31:0] ps_g_i,
  input wire logic [31:0] ps_value_i,
  input wire logic        ps_fail_i,
  input wire logic        row_ready_i
);
  localparam int unsigned Window = 4;

  logic rst_ni = 1'b0;
  always @(posedge clk_i) rst_ni <= 1'b1;

  logic [31:0] limit, commit, row_idx, row_value, ps_value;
  logic        ps_ready, row_valid, row_failed, busy, done;

  ifc_scoreboard #(.Window(Window)) dut (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .start_i(start_i), .rows_i({30'd0, rows_i}), .segs_per_row_i({30'd0, segs_i}), .dtype_i(dtype_i),
    .limit_o(limit), .commit_o(commit),
    .ps_valid_i(ps_valid_i), .ps_ready_o(ps_ready), .ps_g_i(ps_g_i), .ps_value_i(ps_value),
    .ps_fail_i(ps_fail_i),
    .row_valid_o(row_valid), .row_ready_i(row_ready_i), .row_idx_o(row_idx), .row_value_o(row_value),
    .row_failed_o(row_failed),
    .busy_o(busy), .done_o(done)
  );

  // ---------------------------------------------------------------------------------------------
  // Shadow of the current GEMV (legal traffic only)
  // ---------------------------------------------------------------------------------------------
  logic        started_q = 1'b0;
  logic [1:0]  rows_q = 2'd0, segs_q = 2'd0;
  logic        int_q = 1'b0;
  logic [15:0] sent_q = 16'd0;
  logic [5:0]  arrived_q = 6'd0;
  logic [2:0]  fail_q = 3'd0;     // per row: some legal psum failed
  logic [5:0]  cnt_q = 6'd0;      // per row: legal psums received (2 bits each)
  logic [1:0]  emitted_q = 2'd0;  // rows taken so far
  logic        hold_q = 1'b0;     // row_valid && !row_ready in the previous step
  logic [64:0] held_q = 65'd0;    // the row payload then

  logic [3:0] total, eff_rows;
  logic       accept_start, legal, take;
  logic [1:0] ps_row;
  logic [8:0] row_mask;
  assign ps_value     = (int_q && (ps_g_i < 32'd16)) ? (32'd1 << ps_g_i[3:0]) : ps_value_i;
  // The one-hot segments of the row being emitted: S ones at bit emitted*S.
  assign row_mask     = ((9'd1 << segs_q) - 9'd1) << (4'(emitted_q) * 4'(segs_q));
  assign total        = 4'(rows_q) * 4'(segs_q);
  assign eff_rows     = (segs_q == 2'd0) ? 4'd0 : 4'(rows_q);
  assign accept_start = rst_ni && start_i && !busy;
  assign legal        = rst_ni && ps_valid_i && busy && started_q && (ps_g_i < 32'(total)) &&
                        (ps_g_i < limit) && !sent_q[ps_g_i[3:0]];
  // Row of a legal g (g < rows*segs <= 3*segs): no divider.
  assign ps_row       = (ps_g_i[3:0] >= 4'(2 * segs_q)) ? 2'd2 : (ps_g_i[3:0] >= 4'(segs_q)) ? 2'd1 : 2'd0;
  assign take         = rst_ni && row_valid && row_ready_i;

  always @(posedge clk_i) begin
    if (accept_start) begin
      started_q <= 1'b1;
      rows_q    <= rows_i;
      segs_q    <= segs_i;
      int_q     <= (dtype_i != 2'd1);
      sent_q    <= 16'd0;
      arrived_q <= 6'd0;
      fail_q    <= 3'd0;
      cnt_q     <= 6'd0;
      emitted_q <= 2'd0;
    end else begin
      if (legal) begin
        sent_q[ps_g_i[3:0]]     <= 1'b1;
        arrived_q               <= arrived_q + 6'd1;
        fail_q[ps_row]          <= fail_q[ps_row] | ps_fail_i;
        cnt_q[ps_row*2 +: 2]    <= cnt_q[ps_row*2 +: 2] + 2'd1;
      end
      if (take) emitted_q <= emitted_q + 2'd1;
    end
    hold_q <= rst_ni && row_valid && !row_ready_i;
    held_q <= {row_idx, row_value, row_failed};
  end

  // ---------------------------------------------------------------------------------------------
  // Properties
  // ---------------------------------------------------------------------------------------------
  always @(posedge clk_i) begin
    if (rst_ni) begin
      assert (ps_ready);
      if (!started_q) begin
        assert (!busy && !row_valid);
      end
      if (take) begin
        assert (started_q);
        assert (row_idx == 32'(emitted_q));                 // in order, from 0, each once
        assert (4'(emitted_q) < eff_rows);                   // never more rows than started
        assert (cnt_q[emitted_q*2 +: 2] == segs_q);          // all its segments arrived
        assert (row_failed == fail_q[emitted_q]);
        if (int_q) begin
          assert (row_value == (fail_q[emitted_q] ? 32'd0 : {23'd0, row_mask}));
        end
        if (fail_q[emitted_q]) begin
          assert (row_value == 32'd0);
        end
      end
      if (started_q) begin
        assert (done == (4'(emitted_q) == eff_rows));
        assert (busy == !done);
        if (busy) begin
          assert (limit == commit + 32'(Window));
          assert (commit <= 32'(arrived_q));
        end
      end
      if (hold_q) begin
        assert (row_valid && ({row_idx, row_value, row_failed} == held_q));
      end
    end
  end
endmodule
`default_nettype wire
