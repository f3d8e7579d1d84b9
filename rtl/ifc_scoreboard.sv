`default_nettype none
`include "ifc_assert.svh"
/// GEMV scoreboard: reorders the tagged partial sums of the out-of-order PE lanes and commits them
/// strictly in segment order, accumulating each row in k-order (docs/core.md "ifc_scoreboard").
///
/// A GEMV of R rows x S segments per row has segments g = r*S + s, g = 0 .. R*S-1. Partial sums
/// come back in any order and are parked in a window of Window slots (slot = g mod Window: an SRAM
/// macro for the values, one valid flop per slot). The commit pointer c walks g = 0, 1, 2, ... and
/// takes one present entry per cycle; the row index and k-slice of c are kept by counters (no
/// divider). The accumulate stage then computes, per row,
///   acc = +0.0 (INT: 0) at s = 0;  acc = acc + psum(s)  for s = 0 .. S-1
/// with ifc_fp32_add (dtype BF16: FP32, RNE, FTZ, NaN -> 0x7FC00000) or an int32 wrap-around add
/// (dtype INT8 / INT4), so a row's sum is bit-identical whatever order the lanes finished in. At the
/// row's last segment {row index, value, failed} goes out on the row stream. A row is failed if
/// any of its segments came with ps_fail_i; a failed segment's value never enters the result, and
/// a failed row is emitted with value 0.
///
/// Pipeline (one segment per cycle):
///   psum in --> [window: SRAM + valid bits] --commit c (SRAM read)--> [accumulate] --> [row out reg]
///   "committed" = taken from the window in g order (commit_o counts them; the slot is free again
///   and limit_o moves on); the add happens in the next cycle and cannot be cancelled.
///
/// Handshakes
///   start  : start_i pulse while idle (busy_o = 0) latches rows_i, segs_per_row_i, dtype_i and
///            clears the window. rows_i = 0 or segs_per_row_i = 0 is an empty GEMV: done_o the next
///            cycle, no rows.
///   credit : limit_o = commit_o + Window while busy (Window while idle). The dispatcher never sends
///            a segment g >= limit_o, so every arriving psum finds its slot free.
///   ps_*   : valid/ready; ps_ready_o is always 1 (one SRAM write per cycle, the credit guarantees
///            the slot). Transfers while idle, outside [commit_o, limit_o) or to a full slot are
///            protocol violations: dropped, and an assertion fires.
///   row_*  : valid/ready, rows in increasing index, each exactly once; the payload is stable
///            while row_valid_o && !row_ready_i. A blocked row output stalls the commit (no loss).
///   busy_o : from start until the last row is taken. done_o: all rows of the last start emitted
///            (cleared by the next start).
///
/// Hazard and ordering rules (c = commit pointer = commit_o, W = Window):
///   +----------------------------------------+----------------------------------------------------+
///   | situation                              | behaviour                                          |
///   +----------------------------------------+----------------------------------------------------+
///   | psum g, c <= g < c+W, slot empty       | stored in slot g mod W (valid bit set); never      |
///   |                                        | stalled. Nothing is added until c reaches g.       |
///   | psum g > c (arrives early, overtakes)  | waits in its slot; later entries never commit      |
///   |                                        | before earlier ones (k-order is the g order).      |
///   | commit entry c missing (still in a     | commit stalls (a bubble); entries c+1.. wait;      |
///   |   lane or in the ECC corrector)        | commit_o / limit_o hold.                           |
///   | entry c present, accumulate stage free | c read out (SRAM, 1 cycle), slot freed, c -> c+1,  |
///   |   or moving on                         | limit_o -> limit_o+1: one commit per cycle.        |
///   | row output full and not taken          | the accumulate stage holds the row's last segment  |
///   |   (row_valid_o && !row_ready_i)        | (only a row's last segment waits on the output);   |
///   |                                        | the commit stops behind it; psums keep arriving    |
///   |                                        | within the credit. Nothing is lost or reordered.   |
///   | psum with ps_fail_i                    | stored and committed in order like any other; its  |
///   |                                        | value is ignored; the row is emitted failed, with  |
///   |                                        | value 0.                                           |
///   | psum g < c or g >= c+W (late or past   | dropped (ps_ready_o = 1); PsInWindow_A fires.      |
///   |   limit_o)                             |                                                    |
///   | psum g with its slot full (duplicate)  | dropped, the first arrival stays; PsNotDup_A.      |
///   | psum g >= rows*segs, inside the window | stored but never committed (the commit stops after |
///   |                                        | the last row); cleared by the next start;          |
///   |                                        | PsInGemv_A fires.                                  |
///   | psum while idle                        | dropped; PsWhileIdle_A fires.                      |
///   | psum write and commit read of the same | cannot happen: the read needs the slot full, and a |
///   |   slot in one cycle                    | write to a full slot is a dropped duplicate.       |
///   | start_i while busy                     | ignored (the running GEMV goes on); StartBusy_A.   |
///   | start_i with dtype 3 (undefined)       | accumulates as INT (int32 add); DtypeKnown_A.      |
///   +----------------------------------------+----------------------------------------------------+
///
/// Latency   : a psum that is the commit entry: transfer in cycle t, SRAM read in t+1, accumulate in
///             t+2, row_valid_o in t+3 (if it completes its row).
/// Throughput: one segment committed per cycle (one row per cycle with one segment per row), when
///             the commit entries are present and the row output is taken.
/// Parameters: Window (segments tracked past the commit point; a power of two, >= 2).
module ifc_scoreboard #(
  parameter int unsigned Window = 128,
  localparam int unsigned WinAW = (Window > 1) ? $clog2(Window) : 1
) (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,
  // GEMV start
  input  wire logic        start_i,
  input  wire logic [31:0] rows_i,
  input  wire logic [31:0] segs_per_row_i,
  input  wire logic [1:0]  dtype_i,
  // Window credit (towards the dispatcher)
  output      logic [31:0] limit_o,
  output      logic [31:0] commit_o,
  // Partial sums from the PE lanes (any order)
  input  wire logic        ps_valid_i,
  output      logic        ps_ready_o,
  input  wire logic [31:0] ps_g_i,
  input  wire logic [31:0] ps_value_i,
  input  wire logic        ps_fail_i,
  // Rows out (row order)
  output      logic        row_valid_o,
  input  wire logic        row_ready_i,
  output      logic [31:0] row_idx_o,
  output      logic [31:0] row_value_o,
  output      logic        row_failed_o,
  // Status
  output      logic        busy_o,
  output      logic        done_o
);

  localparam logic [1:0] DtypeBf16 = 2'd1;

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  // Control (reset)
  logic              busy_q, busy_d, done_q, done_d;
  logic [31:0]       commit_q, commit_d;    // commit pointer c: next g to take from the window
  logic [31:0]       rd_s_q, rd_s_d;        // k-slice of c
  logic [31:0]       rd_row_q, rd_row_d;    // row of c
  logic              rd_end_q, rd_end_d;    // every segment of the GEMV has been taken
  logic [Window-1:0] vld_q, vld_d;          // slot holds a psum
  logic              s1_valid_q, s1_valid_d;
  logic              row_valid_q, row_valid_d;
  // GEMV descriptor (loaded at start, no reset)
  logic [31:0]       rows_last_q, rows_last_d;   // R - 1
  logic [31:0]       segs_last_q, segs_last_d;   // S - 1
  logic              bf16_q, bf16_d;
  // Accumulate stage payload (no reset)
  logic              s1_first_q, s1_first_d, s1_last_q, s1_last_d, s1_final_q, s1_final_d;
  logic [31:0]       s1_row_q, s1_row_d;
  logic [31:0]       acc_q, acc_d;
  logic              acc_fail_q, acc_fail_d;
  // Row output payload (no reset)
  logic [31:0]       row_idx_q, row_idx_d, row_value_q, row_value_d;
  logic              row_failed_q, row_failed_d, row_final_q, row_final_d;

  // ---------------------------------------------------------------------------------------------
  // Window write (psum in)
  // ---------------------------------------------------------------------------------------------
  logic [WinAW-1:0] ps_idx;
  logic [31:0]      ps_off;
  logic             ps_in_win, ps_dup, ps_take;

  assign ps_ready_o = 1'b1;
  assign ps_idx     = ps_g_i[WinAW-1:0];
  assign ps_off     = ps_g_i - commit_q;
  assign ps_in_win  = (ps_off < 32'(Window));
  assign ps_dup     = vld_q[ps_idx];
  assign ps_take    = ps_valid_i && busy_q && ps_in_win && !ps_dup;

  // ---------------------------------------------------------------------------------------------
  // Commit (window read) and accumulate stage
  // ---------------------------------------------------------------------------------------------
  logic [WinAW-1:0] rd_idx;
  logic             rd_last_seg, rd_last_row, rd_fire, s1_adv, row_take;
  logic [32:0]      rdata;
  logic [31:0]      s1_value, acc_base, fp_sum, int_sum, sum;
  logic             s1_fail, fail_sum;

  assign rd_idx      = commit_q[WinAW-1:0];
  assign rd_last_seg = (rd_s_q == segs_last_q);
  assign rd_last_row = (rd_row_q == rows_last_q);
  assign row_take    = row_valid_q && row_ready_i;
  // The accumulate stage moves on unless it holds a row's last segment and the row output is full.
  assign s1_adv      = s1_valid_q && (!s1_last_q || !row_valid_q || row_ready_i);
  assign rd_fire     = busy_q && !rd_end_q && vld_q[rd_idx] && (!s1_valid_q || s1_adv);

  assign s1_value = rdata[31:0];
  assign s1_fail  = rdata[32];
  assign acc_base = s1_first_q ? 32'd0 : acc_q;
  assign fail_sum = s1_fail || (!s1_first_q && acc_fail_q);
  assign int_sum  = acc_base + s1_value;
  assign sum      = bf16_q ? fp_sum : int_sum;

  // Operand isolation: the FP32 adder switches only when a BF16 partial sum is committed.
  ifc_fp32_add u_add (
    .en_i (s1_valid_q && bf16_q),
    .a_i  (acc_base),
    .b_i  (s1_value),
    .sum_o(fp_sum)
  );

  // Partial-sum window storage: {fail, value} per slot.
  ifc_sram_1r1w #(
    .Width(33),
    .Depth(Window)
  ) u_window (
    .clk_i  (clk_i),
    .we_i   (ps_take),
    .waddr_i(ps_idx),
    .wdata_i({ps_fail_i, ps_value_i}),
    .re_i   (rd_fire),
    .raddr_i(rd_idx),
    .rdata_o(rdata)
  );

  // ---------------------------------------------------------------------------------------------
  // Next state
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    busy_d       = busy_q;
    done_d       = done_q;
    commit_d     = commit_q;
    rd_s_d       = rd_s_q;
    rd_row_d     = rd_row_q;
    rd_end_d     = rd_end_q;
    vld_d        = vld_q;
    s1_valid_d   = s1_valid_q;
    row_valid_d  = row_valid_q;
    rows_last_d  = rows_last_q;
    segs_last_d  = segs_last_q;
    bf16_d       = bf16_q;
    s1_first_d   = s1_first_q;
    s1_last_d    = s1_last_q;
    s1_final_d   = s1_final_q;
    s1_row_d     = s1_row_q;
    acc_d        = acc_q;
    acc_fail_d   = acc_fail_q;
    row_idx_d    = row_idx_q;
    row_value_d  = row_value_q;
    row_failed_d = row_failed_q;
    row_final_d  = row_final_q;

    // Start (idle only; start while busy is ignored).
    if (start_i && !busy_q) begin
      done_d      = 1'b0;
      commit_d    = '0;
      rd_s_d      = '0;
      rd_row_d    = '0;
      rd_end_d    = 1'b0;
      vld_d       = '0;
      rows_last_d = rows_i - 32'd1;
      segs_last_d = segs_per_row_i - 32'd1;
      bf16_d      = (dtype_i == DtypeBf16);
      if (rows_i == '0 || segs_per_row_i == '0) begin
        done_d = 1'b1;
      end else begin
        busy_d = 1'b1;
      end
    end

    // Psum into the window.
    if (ps_take) vld_d[ps_idx] = 1'b1;

    // Row output register.
    if (row_take) begin
      row_valid_d = 1'b0;
      if (row_final_q) begin
        busy_d = 1'b0;
        done_d = 1'b1;
      end
    end

    // Accumulate stage.
    if (s1_adv) begin
      s1_valid_d = 1'b0;
      acc_d      = sum;
      acc_fail_d = fail_sum;
      if (s1_last_q) begin
        row_valid_d  = 1'b1;
        row_idx_d    = s1_row_q;
        row_value_d  = fail_sum ? 32'd0 : sum;
        row_failed_d = fail_sum;
        row_final_d  = s1_final_q;
      end
    end

    // Commit: take entry c from the window.
    if (rd_fire) begin
      vld_d[rd_idx] = 1'b0;
      commit_d      = commit_q + 32'd1;
      s1_valid_d    = 1'b1;
      s1_first_d    = (rd_s_q == '0);
      s1_last_d     = rd_last_seg;
      s1_final_d    = rd_last_seg && rd_last_row;
      s1_row_d      = rd_row_q;
      if (rd_last_seg) begin
        rd_s_d   = '0;
        rd_row_d = rd_row_q + 32'd1;
        if (rd_last_row) rd_end_d = 1'b1;
      end else begin
        rd_s_d = rd_s_q + 32'd1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q      <= 1'b0;
      done_q      <= 1'b0;
      commit_q    <= '0;
      rd_s_q      <= '0;
      rd_row_q    <= '0;
      rd_end_q    <= 1'b0;
      vld_q       <= '0;
      s1_valid_q  <= 1'b0;
      row_valid_q <= 1'b0;
    end else begin
      busy_q      <= busy_d;
      done_q      <= done_d;
      commit_q    <= commit_d;
      rd_s_q      <= rd_s_d;
      rd_row_q    <= rd_row_d;
      rd_end_q    <= rd_end_d;
      vld_q       <= vld_d;
      s1_valid_q  <= s1_valid_d;
      row_valid_q <= row_valid_d;
    end
  end

  // Descriptor and payload registers: no reset.
  always_ff @(posedge clk_i) begin
    rows_last_q  <= rows_last_d;
    segs_last_q  <= segs_last_d;
    bf16_q       <= bf16_d;
    s1_first_q   <= s1_first_d;
    s1_last_q    <= s1_last_d;
    s1_final_q   <= s1_final_d;
    s1_row_q     <= s1_row_d;
    acc_q        <= acc_d;
    acc_fail_q   <= acc_fail_d;
    row_idx_q    <= row_idx_d;
    row_value_q  <= row_value_d;
    row_failed_q <= row_failed_d;
    row_final_q  <= row_final_d;
  end

  assign limit_o      = busy_q ? (commit_q + 32'(Window)) : 32'(Window);
  assign commit_o     = commit_q;
  assign row_valid_o  = row_valid_q;
  assign row_idx_o    = row_idx_q;
  assign row_value_o  = row_value_q;
  assign row_failed_o = row_failed_q;
  assign busy_o       = busy_q;
  assign done_o       = done_q;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  `IFC_ASSERT_INIT(WindowPow2_A, (Window >= 2) && ((Window & (Window - 1)) == 0) && (Window <= 32'h4000_0000))
  // Protocol (the neighbours' obligations).
  `IFC_ASSERT(StartBusy_A, !(start_i && busy_q))
  `IFC_ASSERT(DtypeKnown_A, (start_i && !busy_q) |-> (dtype_i != 2'd3))
  `IFC_ASSERT(PsWhileIdle_A, ps_valid_i |-> busy_q)
  `IFC_ASSERT(PsInWindow_A, (ps_valid_i && busy_q) |-> ps_in_win)
  `IFC_ASSERT(PsNotDup_A, (ps_valid_i && busy_q && ps_in_win) |-> !ps_dup)
  `IFC_ASSERT(PsInGemv_A, (ps_valid_i && busy_q) |->
              ({32'd0, ps_g_i} < (({32'd0, rows_last_q} + 64'd1) * ({32'd0, segs_last_q} + 64'd1))))
  `IFC_ASSERT_STABLE(PsStable_A, ps_valid_i, ps_ready_o, {ps_g_i, ps_value_i, ps_fail_i})
  // Own obligations.
  `IFC_ASSERT_STABLE(RowStable_A, row_valid_o, row_ready_i, {row_idx_o, row_value_o, row_failed_o})
  `IFC_ASSERT(IdleDrained_A, !busy_q |-> (!s1_valid_q && !row_valid_q))
  `IFC_ASSERT(CommitNotPastEnd_A, rd_end_q |-> !rd_fire)
  `IFC_ASSERT_KNOWN(RowValidKnown_A, row_valid_o)
  `IFC_ASSERT_KNOWN(BusyKnown_A, busy_o)
  `IFC_ASSERT_KNOWN(DoneKnown_A, done_o)
  `IFC_ASSERT_KNOWN(LimitKnown_A, limit_o)
  `IFC_COVER(RowStall_C, s1_valid_q && s1_last_q && row_valid_q && !row_ready_i)
  `IFC_COVER(CommitBubble_C, busy_q && !rd_end_q && !vld_q[rd_idx])
  `IFC_COVER(WindowFull_C, &vld_q)

endmodule
`default_nettype wire
