`default_nettype none
`include "ifc_assert.svh"
/// ifc_core: the in-flash computing core of one NAND die (NVLLM's logic die), top level.
///
/// Data flow (docs/core.md): NAND planes -> plane lanes (page buffers) -> ECC checkers -> segment
/// FIFOs -> dispatcher -> PE lanes -> scoreboard -> res. Dirty segments detour through the
/// asynchronous corrector while clean ones overtake them; the scoreboard commits in k-order, so the
/// result is bit-identical whatever the error pattern and in either mode.
///
/// Host interface (docs/host_interface.md)
///   cmd_*  valid/ready, 128-bit descriptors: [7:0] opcode, [9:8] dtype, [10] in-order,
///          [63:32] rows (GEMV) or K (LOAD_ACT), [95:64] K (GEMV), [127:96] base page (GEMV).
///   act_*  valid/ready, 64-bit beats of activation elements (8 x int8 or 4 x bf16, element 0 in
///          the low bits), act_last_i on the final beat of a LOAD_ACT.
///   res_*  valid/ready, 64-bit words: a row {0, failed, row[29:0], value[31:0]} per GEMV row in
///          row order, then one status word per command {1, 7'b0, error[7:0], opcode[7:0],
///          8'b0, failed_rows[31:0]}. A malformed command gets only its status word.
///   csr_*  registers (read combinational, write on csr_we_i): see the CSR map below.
///   nand_* the NAND array (one multi-plane command bus, per-plane data), as ifc_read_path, plus
///          (read-retry, ifc_read_retry) nand_cmd_step_o: the read-level step, 0 for the normal
///          multi-plane reads, >= 1 for a single-segment retry read of segment nand_cmd_seg_o of
///          the one page in the mask, returned on the retry channel nand_rty_* (SegBeats beats);
///          and (watchdog) nand_rst_o, a one-cycle pulse that resets the NAND interface (aborts
///          every read in flight) when a GEMV made no progress for the watchdog timeout.
/// CSR map (32-bit): 0 status {.., state[3:0], busy}, 1 last error, 2 cycles, 3 bytes sensed,
///   4 segments clean, 5 corrected, 6 uncorrectable, 7 erased, 8 NAND read errors,
///   9 stall cycles: scoreboard window, 10 no free lane, 11 corrector busy, 12 in-order wait,
///   13 pages issued, 14 failed rows, 15 control (bit 0: in-order mode; writable),
///   16 retry reads issued, 17 segments recovered by retry, 18 segments failed after RetryMax
///   retries, 19 watchdog timeouts (since reset), 20 RetryMax (read-only), 21 watchdog timeout in
///   cycles (writable; reset value WatchdogCycles), 22 cycles the retry unit was busy, 23 reserved;
///   KV cache (docs/kvnand.md): 24 KV region base page (writable while idle; splits the pages up
///   to PagesPerPlane into 2*KvGroups equal stream regions), 25 mapping-table index (write
///   {slot, K|V, run} = (2*slot + kv) * KvMaxRuns + run to read that entry), 26 the entry's page,
///   27 KV pages programmed, 28 KV tokens appended, 29 KV program stall cycles, 30 pages per
///   stream region; 31 {KV page programs the NAND failed[15:0], open-stripe plane pages served
///   from the KV write buffer by ATTN[15:0]} (since reset, each wraps at 16 bits); unmapped reads 0.
///   CSRs 3..13, 16, 22 cover the last command that read the flash (GEMV, ATTN, ATTN_MULTI), all
///   its phases: they restart when it is accepted.
/// KV_APPEND (opcode 0x03): [63:32] D (elements per K / V row), [95:64] group slot, [127:96] token;
///   the act stream carries the K row then the V row (4 bf16 a beat); see ifc_kv_append.
///   nand_prg_*: the NAND program port (one page of data + spare per nand_prg_last_o);
///   nand_prg_fail_i, a one-cycle pulse the cycle after a page's last beat: that page's program
///   failed (NAND status). The KV_APPEND's status word counts them in failed_rows (error stays 0:
///   the descriptor was fine) and CSR 31 [31:16] since reset.
/// ATTN (opcode 0x04, docs/kvnand.md): [63:32] tokens T, [95:64] group slot, dtype BF16; q is the
///   loaded activation (LOAD_ACT, BF16, K = the slot's D). One command runs the head group end to
///   end: (1) q.K^T = one GEMV (rows = T, K = D) over the slot's K stripes on the normal read path
///   (check, out-of-order correction, retry, scoreboard), its rows into ifc_softmax; (2) one read
///   of the V stripes over the same path whose segments go to ifc_pv_rob instead of the PE lanes
///   (the reorder buffer releases them in token order) and on into ifc_pv_lane with the
///   probabilities; (3) the D FP32 outputs on res as {0, failed, element[29:0], value}, then the
///   status word (failed_rows = failed K rows + failed V segments; failed is set on every output
///   word when that count is non-zero). The open (unprogrammed) stripe's page is not read from the
///   NAND: the read command for it is taken by the core, and the page comes out of the KV write
///   buffer (ifc_kv_append's open-stripe reader) into the plane lanes, plane by plane once that
///   plane has no NAND page in flight. Errors 13..15 (ifc_pkg) and 5 (q not loaded as BF16 of D).
///   Phase overlap: the prefetch sequencer runs one phase ahead of the datapath. Once it has issued
///   a phase's reads (and its open stripe is served) it launches the next phase's (the V stripes
///   after the K stripes; the next slot's K stripes after the V stripes); each sensed page carries
///   the phase parity in its lane tag, and a lane hands a page on only in its own phase, so the next
///   phase's first tR overlaps the current phase's drain (softmax, p.V lane, last pages).
/// ATTN_MULTI (opcode 0x05, docs/kvnand.md): [63:32] tokens T, [95:64] a mask of group slots, run
///   in ascending slot order with the phase overlap above running across slots; q is the loaded
///   activation holding the slots' q back to back (BF16, K = the sum of their D). Each slot's D
///   outputs as ATTN's, the field [61:32] = {slot[7:0], element[21:0]}; one status word (failed_rows
///   summed). The slots are checked one a cycle first (13..15 as ATTN); 8 ATTN_MASK (mask 0 or a
///   slot >= KvGroups), 9 ATTN_QLEN (q not BF16 of the summed D).
/// Read-retry (docs/reliability.md): a segment the corrector finds uncorrectable is re-read at the
///   next read-level step (ifc_read_retry), up to RetryMax steps; only then does its row fail.
/// Watchdog: a GEMV that sees no NAND beat, no partial sum and no result word for the watchdog
///   timeout (host backpressure on res pauses it) ends with error WATCHDOG: the datapath is reset
///   (one-cycle flush), the NAND interface reset, the rows not yet delivered count as failed in the
///   status word, and the core returns to idle; the loaded activation stays valid.
/// Parameters: as the blocks; Lanes, Macs, MaxK (activation elements), Window (scoreboard),
///   NumCorrectors, ChienPar, SegCrc (a corrected segment whose CRC-32C field disagrees with its
///   payload is uncorrectable: counted in CSR 6, its row fails), PagesPerPlane (address range check),
///   RetryMax (read-retry steps, 0..15; 0: no retry), WatchdogCycles (watchdog timeout, cycles).
module ifc_core #(
  parameter int unsigned Planes          = ifc_pkg::DEF_PLANES,
  parameter int unsigned PageDataBytes   = ifc_pkg::DEF_PAGE_DATA_BYTES,
  parameter int unsigned PageSpareBytes  = ifc_pkg::DEF_PAGE_SPARE_BYTES,
  parameter int unsigned BondBytes       = ifc_pkg::DEF_BOND_BYTES,
  parameter int unsigned SegPayloadBytes = ifc_pkg::DEF_SEG_PAYLOAD_BYTES,
  parameter int unsigned SegSlotBytes    = ifc_pkg::DEF_SEG_SLOT_BYTES,
  parameter int unsigned SegCredits      = ifc_pkg::DEF_SEG_CREDITS,
  parameter int unsigned EccM            = 12,
  parameter int unsigned EccT            = 8,
  parameter int unsigned ParityBits      = 96,
  parameter logic [ParityBits:0] GenPoly = 97'h1b946268e6527c3e1cd4ba01d,
  parameter logic [EccM:0] PrimPoly      = 13'h1053,
  parameter int unsigned NumCorrectors   = 2,   // correction engines per corrector port
  parameter int unsigned CorrPorts       = 1,   // corrector instances (input/output port pairs)
  parameter int unsigned ChienPar        = 16,
  parameter bit          SegCrc          = 1'b0,  // check the segment CRC-32C after correction
  parameter int unsigned Lanes           = 4,
  parameter int unsigned Macs            = 4,
  parameter int unsigned MaxK            = 32768,
  parameter int unsigned Window          = 128,
  parameter int unsigned PagesPerPlane   = 504 * 2304,
  parameter int unsigned RetryMax        = 4,
  parameter int unsigned WatchdogCycles  = 1048576,
  parameter int unsigned KvGroups        = ifc_pkg::DEF_KV_GROUPS,
  parameter int unsigned KvMaxRuns       = ifc_pkg::DEF_KV_MAX_RUNS,
  parameter int unsigned AttnMaxTokens   = 4096,  // ATTN tokens (ifc_softmax score buffer)
  parameter int unsigned AttnMaxD        = 8192,  // ATTN D (ifc_pv_lane accumulator)
  parameter int unsigned PvRobSegs       = 16,    // p.V reorder-buffer segments (ifc_pv_rob)
  localparam int unsigned BondW    = BondBytes * 8,
  localparam int unsigned SegBeats = (SegPayloadBytes + SegSlotBytes) / BondBytes,
  localparam int unsigned PayBeats = SegPayloadBytes / BondBytes,
  localparam int unsigned SegsPerPage = PageDataBytes / SegPayloadBytes,
  localparam int unsigned SegW     = (SegsPerPage > 1) ? $clog2(SegsPerPage) : 1,
  localparam int unsigned MetaW    = 51 + ParityBits,
  localparam int unsigned ActWordW = 2 * Macs * 16,
  localparam int unsigned ActQuads = Macs / 2,  // 64-bit quads (4 elements x 16 bit) per buffer word
  localparam int unsigned ActWords = MaxK / (2 * Macs),
  localparam int unsigned ActAW    = $clog2(ActWords),
  localparam int unsigned RetryDepth = CorrPorts * (NumCorrectors + 2) + 4,  // >= corrector slots
  localparam int unsigned PadWords = 2 * SegPayloadBytes / (2 * Macs)
) (
  input  wire logic                     clk_i,
  input  wire logic                     rst_ni,
  // host
  input  wire logic                     cmd_valid_i,
  output      logic                     cmd_ready_o,
  input  wire logic [127:0]             cmd_data_i,
  input  wire logic                     act_valid_i,
  output      logic                     act_ready_o,
  input  wire logic [63:0]              act_data_i,
  input  wire logic                     act_last_i,
  output      logic                     res_valid_o,
  input  wire logic                     res_ready_i,
  output      logic [63:0]              res_data_o,
  input  wire logic [4:0]               csr_addr_i,
  output      logic [31:0]              csr_rdata_o,
  input  wire logic                     csr_we_i,
  input  wire logic [31:0]              csr_wdata_i,
  // NAND array
  output      logic                     nand_cmd_valid_o,
  input  wire logic                     nand_cmd_ready_i,
  output      logic [Planes-1:0]        nand_cmd_plane_mask_o,
  output      logic [31:0]              nand_cmd_page_o,
  output      logic                     nand_cmd_cache_o,
  output      logic [3:0]               nand_cmd_step_o,
  output      logic [15:0]              nand_cmd_seg_o,
  input  wire logic [Planes-1:0]        nand_dat_valid_i,
  input  wire logic [Planes*BondW-1:0]  nand_dat_data_i,
  input  wire logic [Planes-1:0]        nand_dat_last_i,
  input  wire logic [Planes-1:0]        nand_dat_err_i,
  input  wire logic                     nand_rty_valid_i,
  input  wire logic [BondW-1:0]         nand_rty_data_i,
  input  wire logic                     nand_rty_last_i,
  input  wire logic                     nand_rty_err_i,
  output      logic                     nand_rst_o,
  // NAND program port (KV cache)
  output      logic                     nand_prg_valid_o,
  input  wire logic                     nand_prg_ready_i,
  output      logic [7:0]               nand_prg_plane_o,
  output      logic [31:0]              nand_prg_page_o,
  output      logic [BondW-1:0]         nand_prg_data_o,
  output      logic                     nand_prg_last_o,
  input  wire logic                     nand_prg_fail_i
);
  // =============================================================================================
  // Command decode and control FSM
  // =============================================================================================
  ifc_pkg::core_state_e state_q, state_d;
  logic [7:0]  op_q, op_d, err_q, err_d, last_err_q, last_err_d;
  logic [1:0]  dtype_q, dtype_d, act_dtype_q, act_dtype_d;
  logic        inorder_q, inorder_d, ctrl_inorder_q, ctrl_inorder_d;
  logic [31:0] rows_q, rows_d, k_q, k_d, act_k_q, act_k_d, base_q, base_d;
  logic [31:0] nsegs_q, nsegs_d, spr_q, spr_d;
  logic        act_valid_q, act_valid_d;     // an activation vector is loaded
  logic [31:0] act_elem_q, act_elem_d;       // elements received
  logic [ActAW:0] act_word_q, act_word_d;    // next word to write
  logic [ActAW:0] act_pad_words_q, act_pad_words_d;
  logic [ActWordW-1:0] act_buf_q, act_buf_d; // word being assembled
  logic        act_hold_q, act_hold_d;       // Macs = 2: the high quad of an INT8 beat is pending
  logic [63:0] act_hold_data_q, act_hold_data_d;
  logic [31:0] failed_rows_q, failed_rows_d;
  logic        gemv_start, cmd_fire, act_fire, res_fire;
  logic        kv_start, kv_idle, kv_done, kv_in_ready;
  logic [7:0]  kv_err;
  // Watchdog (read-retry / watchdog part of the core): progress counter, datapath flush.
  logic [31:0] wd_cnt_q, wd_cnt_d, wd_limit_q, wd_limit_d, wd_events_q, wd_events_d, rows_out_q, rows_out_d;
  logic        flush_q, flush_d, dp_rst_n, wd_progress;
  // ATTN (docs/kvnand.md): command registers, the V-phase flag, launch selects
  localparam int unsigned StripeLog = $clog2(Planes * SegsPerPage);
  logic        at_v_q, at_v_d, at_out_done_q, at_out_done_d, dp_attn_k, dp_attn_v, pv_mode, pv_start;
  logic [31:0] at_tok_q, at_tok_d, at_d_q, at_d_d, at_vbase_q, at_vbase_d;
  logic [7:0]  at_slog_q, at_slog_d, at_grp_q, at_grp_d;
  // Phase overlap (docs/kvnand.md, head-group parallelism): the prefetch sequencer runs one phase
  // ahead of the datapath. Every sensed page carries the sequencer's phase parity (sq_ep) in its
  // lane tag; a plane lane hands a page to its checker only when that parity is the datapath's
  // (dp_ep), so the next phase's first tR overlaps the current phase's drain and its pages wait in
  // the page latches. sq_*: the phase the sequencer runs (its group, open page, V stream); at_*: the
  // phase the datapath runs.
  logic        seq_start, dp_start, sq_free, sq_launch_k, sq_launch_v, attn_run;
  logic        cnt_clr;  // a command that reads the flash starts: the per-command counters to zero
  logic        sq_ep_q, sq_ep_d, dp_ep_q, dp_ep_d, sq_v_q, sq_v_d, at_vacc_q, at_vacc_d, at_multi_q, at_multi_d;
  logic [31:0] sq_grp_q, sq_grp_d, sq_open_q, sq_open_d, sq_vbase_q, sq_vbase_d, sq_vopen_q, sq_vopen_d;
  logic [31:0] sq_kbase_q, sq_kbase_d, sq_d_q, sq_d_d, sq_aoff_q, sq_aoff_d, aoff_next_q, aoff_next_d;
  logic [7:0]  sq_slog_q, sq_slog_d;
  logic [KvGroups-1:0] at_mask_q, at_mask_d;
  logic [31:0] next_grp, at_aoff_q, at_aoff_d, grp_fail_q, grp_fail_d, chk_i_q, chk_i_d, chk_sum_q, chk_sum_d;
  logic [21:0] at_elem_q, at_elem_d;
  logic        chk_sel, ic_cur_busy, seq_cur_busy, ph_k_done;
  logic [31:0] s_base, s_nsegs, d_rows, d_spr;
  logic [1:0]  d_dtype;
  logic        d_is_v;
  logic [31:0] kvq_grp, kvq_ntok, kvq_d, kvq_kbase, kvq_vbase, kvq_open_run;
  logic [7:0]  kvq_slog;
  logic        sm_in_valid, sm_in_ready, sm_in_last, sm_out_valid, sm_out_last, sm_idle;
  logic [15:0] sm_p;
  logic        pv_tok_ready, pv_out_valid, pv_out_ready, pv_out_last, pv_idle;
  logic [31:0] pv_out_data, rob_failed;
  logic        rob_empty, ic_busy_q, at_dp_idle;

  // Descriptor fields
  logic [7:0]  c_op;
  logic [1:0]  c_dtype;
  logic        c_inorder;
  logic [31:0] c_rows, c_k, c_base;
  assign c_op      = cmd_data_i[7:0];
  assign c_dtype   = cmd_data_i[9:8];
  assign c_inorder = cmd_data_i[10];
  assign c_rows    = cmd_data_i[63:32];
  assign c_k       = cmd_data_i[95:64];
  assign c_base    = cmd_data_i[127:96];

  // GEMV geometry: segments per row S = ceil(K / E), with E = SegPayloadBytes elements (INT8),
  // SegPayloadBytes / 2 (BF16), 2 * SegPayloadBytes (INT4): 256 / 128 / 512 for 256 B segments.
  localparam int unsigned SegLog2 = $clog2(SegPayloadBytes);
  localparam logic [31:0] SegElemsI8 = 32'(SegPayloadBytes);
  logic [31:0] g_spr;
  logic [47:0] g_nsegs;
  logic [63:0] g_cap;
  always_comb begin
    if (c_dtype == ifc_pkg::DT_BF16)      g_spr = (c_k + (SegElemsI8 >> 1) - 32'd1) >> (SegLog2 - 1);
    else if (c_dtype == ifc_pkg::DT_INT4) g_spr = (c_k + (SegElemsI8 << 1) - 32'd1) >> (SegLog2 + 1);
    else                                  g_spr = (c_k + SegElemsI8 - 32'd1) >> SegLog2;
    g_nsegs = 48'(c_rows) * 48'(g_spr[15:0]);
    g_cap   = (64'(32'(PagesPerPlane)) - 64'(c_base)) * 64'(Planes * SegsPerPage);
  end

  // ATTN launch values. The slot query (ifc_kv_append q_*) answers for kvq_grp: the descriptor's
  // slot at the command, the slot being checked (ATTN_MULTI), the next slot of the mask when its
  // K reads are launched, else the sequencer's slot (the open-stripe reader reads that slot).
  // Sequencer launch (s_*): a GEMV from the descriptor, a K phase from the query, a V phase from
  // sq_*. Datapath launch (d_*, at dp_start): a GEMV from the descriptor, a K phase from sq_*,
  // a V phase from at_*.
  assign attn_run = (state_q == ifc_pkg::CoreAttnK) || (state_q == ifc_pkg::CoreAttnV);
  assign sq_free  = attn_run && !seq_busy && !ic_busy_q && (sq_ep_q == dp_ep_q);
  assign sq_launch_v = sq_free && !sq_v_q;
  assign sq_launch_k = sq_free && sq_v_q && (at_mask_q != '0);
  assign seq_start = gemv_start || sq_launch_k || sq_launch_v;
  assign dp_start  = gemv_start || dp_attn_k || dp_attn_v;
  always_comb begin
    next_grp = '0;
    for (int g = KvGroups - 1; g >= 0; g--) begin
      if (at_mask_q[g]) next_grp = 32'(g);
    end
    chk_sel = 1'b0;
    for (int g = 0; g < KvGroups; g++) begin
      if (chk_i_q == 32'(g) && at_mask_q[g]) chk_sel = 1'b1;
    end
  end
  always_comb begin
    if (state_q == ifc_pkg::CoreIdle)         kvq_grp = c_k;
    else if (state_q == ifc_pkg::CoreAttnChk) kvq_grp = chk_i_q;
    else if (sq_launch_k)                     kvq_grp = next_grp;
    else                                      kvq_grp = sq_grp_q;
  end
  assign kvq_open_run = kvq_ntok >> (32'(StripeLog) - 32'(kvq_slog));
  always_comb begin
    s_base = c_base; s_nsegs = g_nsegs[31:0];
    if (sq_launch_k) begin
      s_base = kvq_kbase; s_nsegs = at_tok_q << kvq_slog;
    end else if (sq_launch_v) begin
      s_base = sq_vbase_q; s_nsegs = at_tok_q << sq_slog_q;
    end
    d_rows = c_rows; d_spr = g_spr; d_dtype = c_dtype; d_is_v = 1'b0;
    if (dp_attn_k) begin
      d_rows = at_tok_q; d_spr = 32'd1 << sq_slog_q; d_dtype = ifc_pkg::DT_BF16;
    end else if (dp_attn_v) begin
      d_rows = at_tok_q; d_spr = 32'd1 << at_slog_q; d_dtype = ifc_pkg::DT_BF16; d_is_v = 1'b1;
    end
  end

  // Activation stream: elements per beat and the padded length (a multiple of the largest segment,
  // the INT4 one: 2 * SegPayloadBytes elements = PadWords buffer words of 2 * Macs elements).
  // A beat, expanded to 16-bit elements, is one 64-bit quad (4 bf16) or two (8 int8); a buffer word
  // is ActQuads = Macs/2 quads. Macs >= 4: beats fill a word quad by quad (the quad position is
  // element / 4 mod ActQuads; an INT8 beat starts at an even quad, so it never straddles two words)
  // and the word is written when full or on the last beat. Macs = 2: a word is one quad, so an INT8
  // beat is two words: the low quad is written at once, the high one from act_hold_q in the next
  // cycle, while act_ready_o is low (an INT8 load then takes 2 cycles a beat).
  logic [31:0]  a_per_beat;
  logic [31:0]  a_elem_next;
  logic [31:0]  a_quad_pos;
  logic [31:0]  a_quads;
  logic         a_word_full, a_last_expected;
  logic [127:0] a_beat_x;  // the beat as 16-bit elements (BF16: the low quad only)
  assign a_per_beat  = (act_dtype_q == ifc_pkg::DT_BF16) ? 32'd4 : 32'd8;
  assign a_quads     = (act_dtype_q == ifc_pkg::DT_BF16) ? 32'd1 : 32'd2;
  assign a_elem_next = act_elem_q + a_per_beat;
  assign a_last_expected = (a_elem_next >= act_k_q);
  assign a_quad_pos  = (act_elem_q >> 2) & 32'(ActQuads - 1);
  assign a_word_full = (a_quad_pos + a_quads >= 32'(ActQuads));

  always_comb begin
    a_beat_x = '0;
    if (act_dtype_q == ifc_pkg::DT_BF16) begin
      a_beat_x[63:0] = act_data_i;
    end else begin
      for (int e = 0; e < 8; e++) a_beat_x[e*16 +: 16] = {{8{act_data_i[e*8+7]}}, act_data_i[e*8 +: 8]};
    end
  end

  // Activation buffer write port (broadcast to every lane's copy)
  logic                act_we;
  logic [ActAW-1:0]    act_waddr;
  logic [ActWordW-1:0] act_wdata;
  logic [ActWordW-1:0] act_beat_word;

  always_comb begin
    act_beat_word = act_buf_q;
    for (int q = 0; q < ActQuads; q++) begin
      if (32'(q) == a_quad_pos) act_beat_word[q*64 +: 64] = a_beat_x[63:0];
      if (32'(q) == a_quad_pos + 32'd1 && a_quads == 32'd2) act_beat_word[q*64 +: 64] = a_beat_x[127:64];
    end
  end

  // Status word
  logic [63:0] status_word;
  assign status_word = {1'b1, 7'd0, err_q, op_q, 8'd0, failed_rows_q};

  // Completion of a GEMV (defined below)
  logic gemv_done;
  // Row stream from the scoreboard
  logic        row_valid, row_ready, row_failed;
  logic [31:0] row_idx, row_value;

  assign cmd_ready_o = (state_q == ifc_pkg::CoreIdle);
  assign cmd_fire    = cmd_valid_i && cmd_ready_o;
  assign act_ready_o = ((state_q == ifc_pkg::CoreAct) && !act_hold_q) || (state_q == ifc_pkg::CoreActSkip) ||
                       ((state_q == ifc_pkg::CoreKv) && kv_in_ready);
  assign act_fire    = act_valid_i && act_ready_o;

  always_comb begin
    res_valid_o = 1'b0;
    res_data_o  = status_word;
    row_ready   = 1'b0;
    if (state_q == ifc_pkg::CoreGemv) begin
      res_valid_o = row_valid;
      res_data_o  = {1'b0, row_failed, row_idx[29:0], row_value};
      row_ready   = res_ready_i;
    end else if (state_q == ifc_pkg::CoreAttnK) begin
      row_ready   = sm_in_ready;  // the scores go to the softmax, not to the host
    end else if (state_q == ifc_pkg::CoreAttnV) begin
      res_valid_o = pv_out_valid;
      res_data_o  = {1'b0, (grp_fail_q != '0) || (rob_failed != '0), at_multi_q ? at_grp_q : 8'd0, at_elem_q,
                     pv_out_data};
    end else if (state_q == ifc_pkg::CoreStatus) begin
      res_valid_o = 1'b1;
    end
  end
  assign res_fire = res_valid_o && res_ready_i;
  assign sm_in_valid  = (state_q == ifc_pkg::CoreAttnK) && row_valid;
  assign sm_in_last   = (row_idx == at_tok_q - 32'd1);
  assign pv_out_ready = (state_q == ifc_pkg::CoreAttnV) && res_ready_i;
  assign pv_mode      = (state_q == ifc_pkg::CoreAttnV) && at_v_q;

  always_comb begin
    state_d = state_q; op_d = op_q; err_d = err_q; last_err_d = last_err_q; dtype_d = dtype_q;
    act_dtype_d = act_dtype_q; inorder_d = inorder_q; ctrl_inorder_d = ctrl_inorder_q;
    rows_d = rows_q; k_d = k_q; act_k_d = act_k_q; base_d = base_q; nsegs_d = nsegs_q; spr_d = spr_q;
    act_valid_d = act_valid_q; act_elem_d = act_elem_q; act_word_d = act_word_q;
    act_pad_words_d = act_pad_words_q; act_buf_d = act_buf_q; failed_rows_d = failed_rows_q;
    act_hold_d = act_hold_q; act_hold_data_d = act_hold_data_q;
    gemv_start = 1'b0;
    cnt_clr = 1'b0;
    kv_start = 1'b0;
    dp_attn_k = 1'b0; dp_attn_v = 1'b0; pv_start = 1'b0;
    at_v_d = at_v_q; at_out_done_d = at_out_done_q; at_tok_d = at_tok_q; at_grp_d = at_grp_q; at_d_d = at_d_q;
    at_vbase_d = at_vbase_q; at_slog_d = at_slog_q;
    sq_ep_d = sq_ep_q; dp_ep_d = dp_ep_q; sq_v_d = sq_v_q; at_vacc_d = at_vacc_q; at_multi_d = at_multi_q;
    sq_grp_d = sq_grp_q; sq_open_d = sq_open_q; sq_vbase_d = sq_vbase_q; sq_vopen_d = sq_vopen_q;
    sq_kbase_d = sq_kbase_q; sq_d_d = sq_d_q; sq_aoff_d = sq_aoff_q; aoff_next_d = aoff_next_q; sq_slog_d = sq_slog_q;
    at_mask_d = at_mask_q; at_aoff_d = at_aoff_q; grp_fail_d = grp_fail_q; chk_i_d = chk_i_q; chk_sum_d = chk_sum_q;
    at_elem_d = at_elem_q;
    act_we = 1'b0; act_waddr = act_word_q[ActAW-1:0]; act_wdata = act_beat_word;

    if (csr_we_i && csr_addr_i == 5'd15) ctrl_inorder_d = csr_wdata_i[0];
    wd_cnt_d = '0; wd_limit_d = wd_limit_q; wd_events_d = wd_events_q; rows_out_d = rows_out_q; flush_d = 1'b0;
    if (csr_we_i && csr_addr_i == 5'd21) wd_limit_d = csr_wdata_i;

    case (state_q)
      ifc_pkg::CoreIdle: begin
        if (cmd_fire) begin
          op_d = c_op;
          err_d = ifc_pkg::ERR_OK;
          failed_rows_d = '0;
          state_d = ifc_pkg::CoreStatus;
          if (c_op == ifc_pkg::OP_LOAD_ACT) begin
            if (c_dtype != ifc_pkg::DT_INT8 && c_dtype != ifc_pkg::DT_BF16) begin
              err_d = ifc_pkg::ERR_DTYPE;  state_d = ifc_pkg::CoreActSkip;
            end else if (c_rows == '0 || c_rows > 32'(MaxK)) begin
              err_d = ifc_pkg::ERR_SHAPE;  state_d = ifc_pkg::CoreActSkip;
            end else begin
              state_d = ifc_pkg::CoreAct;
              act_dtype_d = c_dtype;
              act_k_d = c_rows;
              act_valid_d = 1'b0;
              act_elem_d = '0;
              act_word_d = '0;
              act_buf_d = '0;
              act_pad_words_d = (ActAW+1)'(((c_rows + (SegElemsI8 << 1) - 32'd1) >> (SegLog2 + 1)) * PadWords);
            end
          end else if (c_op == ifc_pkg::OP_GEMV) begin
            if (c_dtype == 2'd3) begin
              err_d = ifc_pkg::ERR_DTYPE;
            end else if (c_rows == '0 || c_rows >= 32'h4000_0000 || c_k == '0 || c_k > 32'(MaxK)) begin
              err_d = ifc_pkg::ERR_SHAPE;
            end else if (!act_valid_q || act_k_q != c_k ||
                         ((c_dtype == ifc_pkg::DT_BF16) != (act_dtype_q == ifc_pkg::DT_BF16))) begin
              err_d = ifc_pkg::ERR_ACT_MISMATCH;
            end else if (c_base >= 32'(PagesPerPlane) || g_nsegs[47:32] != '0 || 64'(g_nsegs) > g_cap) begin
              err_d = ifc_pkg::ERR_ADDRESS;
            end else begin
              state_d = ifc_pkg::CoreGemv;
              dtype_d = c_dtype;
              inorder_d = c_inorder || ctrl_inorder_q;
              rows_d = c_rows;
              k_d = c_k;
              base_d = c_base;
              spr_d = g_spr;
              nsegs_d = g_nsegs[31:0];
              gemv_start = 1'b1;
              cnt_clr = 1'b1;
              rows_out_d = '0;
            end
          end else if (c_op == ifc_pkg::OP_KV_APPEND && kv_idle) begin
            state_d = ifc_pkg::CoreKv;
            kv_start = 1'b1;
          end else if (c_op == ifc_pkg::OP_ATTN) begin
            if (c_dtype != ifc_pkg::DT_BF16) begin
              err_d = ifc_pkg::ERR_DTYPE;
            end else if (c_k >= 32'(KvGroups) || kvq_ntok == '0) begin
              err_d = ifc_pkg::ERR_ATTN_GROUP;
            end else if (c_rows == '0 || c_rows > kvq_ntok) begin
              err_d = ifc_pkg::ERR_ATTN_TOKENS;
            end else if (c_rows > 32'(AttnMaxTokens) || kvq_d > 32'(AttnMaxD)) begin
              err_d = ifc_pkg::ERR_ATTN_LIMIT;
            end else if (!act_valid_q || act_k_q != kvq_d || act_dtype_q != ifc_pkg::DT_BF16) begin
              err_d = ifc_pkg::ERR_ACT_MISMATCH;
            end else begin
              // An empty V phase: the launch logic below starts the slot's K reads, then its K phase.
              state_d = ifc_pkg::CoreAttnV;
              rows_d = kvq_d;  // the outputs (the watchdog fails the ones not delivered)
              at_tok_d = c_rows;
              for (int g = 0; g < KvGroups; g++) at_mask_d[g] = (c_k == 32'(g));
              at_multi_d = 1'b0;
              inorder_d = c_inorder || ctrl_inorder_q;
              dtype_d = ifc_pkg::DT_BF16;
              rows_out_d = '0; at_out_done_d = 1'b1; at_vacc_d = 1'b1; at_v_d = 1'b0; sq_v_d = 1'b1;
              aoff_next_d = '0;
              cnt_clr = 1'b1;
            end
          end else if (c_op == ifc_pkg::OP_ATTN_MULTI) begin
            // ATTN_MULTI: [95:64] a mask of group slots, run in ascending slot order; checked in
            // CoreAttnChk one slot a cycle
            if (c_dtype != ifc_pkg::DT_BF16) begin
              err_d = ifc_pkg::ERR_DTYPE;
            end else if (c_k == '0 || (KvGroups < 32 && (c_k >> KvGroups) != '0)) begin
              err_d = ifc_pkg::ERR_ATTN_MASK;
            end else begin
              state_d = ifc_pkg::CoreAttnChk;
              inorder_d = c_inorder || ctrl_inorder_q;
              at_tok_d = c_rows;
              at_mask_d = c_k[KvGroups-1:0];
              chk_i_d = '0;
              chk_sum_d = '0;
            end
          end else begin
            err_d = ifc_pkg::ERR_OPCODE;
          end
        end
      end
      ifc_pkg::CoreKv: begin
        if (kv_done) begin
          err_d = kv_err;
          failed_rows_d = kv_cmd_prg_fail;  // pages whose NAND program failed
          state_d = ifc_pkg::CoreStatus;
        end
      end
      ifc_pkg::CoreAct: begin
        if (act_hold_q) begin
          // Macs = 2: the pending high quad of the last INT8 beat (the stream waits)
          act_we = 1'b1;
          act_wdata = ActWordW'(act_hold_data_q);
          act_word_d = act_word_q + 1'b1;
          act_hold_d = 1'b0;
        end else if (act_fire) begin
          act_elem_d = a_elem_next;
          act_buf_d  = act_beat_word;
          if (a_word_full || a_last_expected) begin
            act_we = 1'b1;
            act_word_d = act_word_q + 1'b1;
            act_buf_d = '0;
          end
          if (act_last_i != a_last_expected) begin
            // early end, or the expected last beat without act_last_i: malformed stream
            err_d = ifc_pkg::ERR_ACT_LENGTH;
            state_d = act_last_i ? ifc_pkg::CoreStatus : ifc_pkg::CoreActSkip;
          end else begin
            if (ActQuads == 1 && a_quads == 32'd2) begin
              act_hold_d = 1'b1;
              act_hold_data_d = a_beat_x[127:64];
            end
            if (act_last_i) state_d = ifc_pkg::CoreActPad;
          end
        end
      end
      ifc_pkg::CoreActPad: begin
        if (act_hold_q) begin
          act_we = 1'b1;
          act_wdata = ActWordW'(act_hold_data_q);
          act_word_d = act_word_q + 1'b1;
          act_hold_d = 1'b0;
        end else if (act_word_q >= act_pad_words_q) begin
          act_valid_d = 1'b1;
          state_d = ifc_pkg::CoreStatus;
        end else begin
          act_we = 1'b1;
          act_wdata = '0;
          act_word_d = act_word_q + 1'b1;
        end
      end
      ifc_pkg::CoreActSkip: begin
        if (act_fire && act_last_i) state_d = ifc_pkg::CoreStatus;
      end
      ifc_pkg::CoreGemv: begin
        if (res_fire && row_failed) failed_rows_d = failed_rows_q + 1'b1;
        if (res_fire) rows_out_d = rows_out_q + 1'b1;
        wd_cnt_d = wd_progress ? '0 : wd_cnt_q + 1'b1;
        if (gemv_done) begin
          state_d = ifc_pkg::CoreStatus;
        end else if (wd_cnt_q >= wd_limit_q) begin
          // watchdog: the rows not delivered fail, the datapath and the NAND interface are reset
          state_d = ifc_pkg::CoreStatus;
          err_d = ifc_pkg::ERR_WATCHDOG;
          failed_rows_d = failed_rows_q + (rows_q - rows_out_q);
          wd_events_d = wd_events_q + 1'b1;
          flush_d = 1'b1;
        end
      end
      ifc_pkg::CoreAttnChk: begin
        // one slot of the mask a cycle (kvq_grp = chk_i_q): codes 13 / 14 / 15 as ATTN, then the
        // loaded q must be the BF16 concatenation of the slots' q (K = sum of their D), else 9
        chk_i_d = chk_i_q + 32'd1;
        if (chk_sel) begin
          chk_sum_d = chk_sum_q + kvq_d;
          if (kvq_ntok == '0) begin
            err_d = ifc_pkg::ERR_ATTN_GROUP; state_d = ifc_pkg::CoreStatus;
          end else if (at_tok_q == '0 || at_tok_q > kvq_ntok) begin
            err_d = ifc_pkg::ERR_ATTN_TOKENS; state_d = ifc_pkg::CoreStatus;
          end else if (at_tok_q > 32'(AttnMaxTokens) || kvq_d > 32'(AttnMaxD)) begin
            err_d = ifc_pkg::ERR_ATTN_LIMIT; state_d = ifc_pkg::CoreStatus;
          end
        end
        if (chk_i_q == 32'(KvGroups - 1) && state_d == ifc_pkg::CoreAttnChk) begin
          if (!act_valid_q || act_dtype_q != ifc_pkg::DT_BF16 || act_k_q != chk_sum_d) begin
            err_d = ifc_pkg::ERR_ATTN_QLEN; state_d = ifc_pkg::CoreStatus;
          end else begin
            state_d = ifc_pkg::CoreAttnV;  // an empty V phase, as ATTN
            rows_d = chk_sum_d;
            at_multi_d = 1'b1;
            dtype_d = ifc_pkg::DT_BF16;
            rows_out_d = '0; at_out_done_d = 1'b1; at_vacc_d = 1'b1; at_v_d = 1'b0; sq_v_d = 1'b1;
            aoff_next_d = '0;
            cnt_clr = 1'b1;
          end
        end
      end
      ifc_pkg::CoreAttnK: begin
        if (row_valid && row_ready && row_failed) begin
          failed_rows_d = failed_rows_q + 1'b1;
          grp_fail_d = grp_fail_q + 1'b1;
        end
        wd_cnt_d = wd_progress ? '0 : wd_cnt_q + 1'b1;
        if (ph_k_done && !ic_cur_busy && sq_ep_q != dp_ep_q) begin
          // phase V (its reads already launched): the V stripes through the reorder buffer into p.V
          state_d = ifc_pkg::CoreAttnV;
          base_d = at_vbase_q;
          nsegs_d = at_tok_q << at_slog_q;
          spr_d = 32'd1 << at_slog_q;
          dp_attn_v = 1'b1;
          dp_ep_d = !dp_ep_q;
          pv_start = 1'b1;
          at_v_d = 1'b1;
          at_out_done_d = 1'b0;
          at_vacc_d = 1'b0;
          at_elem_d = '0;
        end else if (wd_cnt_q >= wd_limit_q) begin
          state_d = ifc_pkg::CoreStatus;
          err_d = ifc_pkg::ERR_WATCHDOG;
          failed_rows_d = failed_rows_q + (rows_q - rows_out_q);
          wd_events_d = wd_events_q + 1'b1;
          flush_d = 1'b1;
        end
      end
      ifc_pkg::CoreAttnV: begin
        if (res_fire) begin
          rows_out_d = rows_out_q + 1'b1;
          at_elem_d = at_elem_q + 1'b1;
        end
        if (res_fire && pv_out_last) at_out_done_d = 1'b1;
        wd_cnt_d = wd_progress ? '0 : wd_cnt_q + 1'b1;
        if (at_out_done_q && at_dp_idle) begin
          if (!at_vacc_q) failed_rows_d = failed_rows_q + rob_failed;
          at_vacc_d = 1'b1;
          if (sq_ep_q != dp_ep_q) begin
            // the next slot's K phase (its reads already launched): datapath from sq_*
            state_d = ifc_pkg::CoreAttnK;
            dp_attn_k = 1'b1;
            dp_ep_d = !dp_ep_q;
            at_v_d = 1'b0;
            at_grp_d = sq_grp_q[7:0]; at_d_d = sq_d_q; at_slog_d = sq_slog_q; at_vbase_d = sq_vbase_q;
            at_aoff_d = sq_aoff_q;
            k_d = sq_d_q;
            base_d = sq_kbase_q;
            spr_d = 32'd1 << sq_slog_q;
            nsegs_d = at_tok_q << sq_slog_q;
            grp_fail_d = '0;
          end else if (at_mask_q == '0) begin
            state_d = ifc_pkg::CoreStatus;
          end  // else the next slot's K reads launch in this cycle
        end else if (wd_cnt_q >= wd_limit_q) begin
          state_d = ifc_pkg::CoreStatus;
          err_d = ifc_pkg::ERR_WATCHDOG;
          failed_rows_d = failed_rows_q + (at_vacc_q ? 32'd0 : rob_failed) + (rows_q - rows_out_q);
          wd_events_d = wd_events_q + 1'b1;
          flush_d = 1'b1;
        end
      end
      ifc_pkg::CoreStatus: begin
        if (res_fire) begin
          state_d = ifc_pkg::CoreIdle;
          last_err_d = err_q;
        end
      end
      default: state_d = ifc_pkg::CoreIdle;
    endcase

    // The sequencer runs one phase ahead: it launches the next phase's reads as soon as it has
    // issued the current one's (and served its open stripe).
    if (gemv_start) begin
      sq_ep_d = !sq_ep_q; dp_ep_d = !dp_ep_q;
    end
    if (sq_launch_v) begin
      sq_ep_d = !sq_ep_q; sq_v_d = 1'b1; sq_open_d = sq_vopen_q;
    end
    if (sq_launch_k) begin
      sq_ep_d = !sq_ep_q; sq_v_d = 1'b0; sq_grp_d = next_grp;
      for (int g = 0; g < KvGroups; g++) begin
        if (next_grp == 32'(g)) at_mask_d[g] = 1'b0;
      end
      sq_kbase_d = kvq_kbase; sq_open_d = kvq_kbase + kvq_open_run;
      sq_vbase_d = kvq_vbase; sq_vopen_d = kvq_vbase + kvq_open_run;
      sq_d_d = kvq_d; sq_slog_d = kvq_slog;
      sq_aoff_d = aoff_next_q; aoff_next_d = aoff_next_q + kvq_d;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= ifc_pkg::CoreIdle;
      last_err_q <= '0;
      ctrl_inorder_q <= 1'b0;
      act_valid_q <= 1'b0;
      failed_rows_q <= '0;
      act_word_q <= '0;
      act_elem_q <= '0;
      act_hold_q <= 1'b0;
      wd_cnt_q <= '0; wd_limit_q <= 32'(WatchdogCycles); wd_events_q <= '0; flush_q <= 1'b0;
      rows_out_q <= '0;
      at_v_q <= 1'b0;
      at_out_done_q <= 1'b0;
      sq_v_q <= 1'b1; at_vacc_q <= 1'b1; at_multi_q <= 1'b0; at_mask_q <= '0; sq_grp_q <= '0;
      grp_fail_q <= '0; chk_i_q <= '0; at_elem_q <= '0;
    end else begin
      state_q <= state_d;
      last_err_q <= last_err_d;
      ctrl_inorder_q <= ctrl_inorder_d;
      act_valid_q <= act_valid_d;
      failed_rows_q <= failed_rows_d;
      act_word_q <= act_word_d;
      act_elem_q <= act_elem_d;
      act_hold_q <= act_hold_d;
      wd_cnt_q <= wd_cnt_d; wd_limit_q <= wd_limit_d; wd_events_q <= wd_events_d; flush_q <= flush_d;
      rows_out_q <= rows_out_d;
      at_v_q <= at_v_d;
      at_out_done_q <= at_out_done_d;
      sq_v_q <= sq_v_d; at_vacc_q <= at_vacc_d; at_multi_q <= at_multi_d; at_mask_q <= at_mask_d; sq_grp_q <= sq_grp_d;
      grp_fail_q <= grp_fail_d; chk_i_q <= chk_i_d; at_elem_q <= at_elem_d;
    end
  end
  // The phase parities restart with the datapath (a watchdog flush drops the phase run ahead).
  always_ff @(posedge clk_i or negedge dp_rst_n) begin
    if (!dp_rst_n) begin
      sq_ep_q <= 1'b0; dp_ep_q <= 1'b0;
    end else begin
      sq_ep_q <= sq_ep_d; dp_ep_q <= dp_ep_d;
    end
  end
  // The datapath's reset: the core reset, or the one-cycle watchdog flush (from a flop: no glitch).
  assign dp_rst_n   = rst_ni && !flush_q;
  assign nand_rst_o = flush_q;
  always_ff @(posedge clk_i) begin
    op_q <= op_d; err_q <= err_d; dtype_q <= dtype_d; act_dtype_q <= act_dtype_d; inorder_q <= inorder_d;
    rows_q <= rows_d; k_q <= k_d; act_k_q <= act_k_d; base_q <= base_d; nsegs_q <= nsegs_d; spr_q <= spr_d;
    act_pad_words_q <= act_pad_words_d; act_buf_q <= act_buf_d; act_hold_data_q <= act_hold_data_d;
    at_tok_q <= at_tok_d; at_grp_q <= at_grp_d; at_d_q <= at_d_d; at_vbase_q <= at_vbase_d;
    at_slog_q <= at_slog_d;
    sq_open_q <= sq_open_d; sq_vbase_q <= sq_vbase_d; sq_vopen_q <= sq_vopen_d; sq_kbase_q <= sq_kbase_d;
    sq_d_q <= sq_d_d; sq_aoff_q <= sq_aoff_d; aoff_next_q <= aoff_next_d; sq_slog_q <= sq_slog_d;
    at_aoff_q <= at_aoff_d; chk_sum_q <= chk_sum_d;
  end

  // =============================================================================================
  // Read path: prefetch sequencer and plane lanes
  // =============================================================================================
  logic [Planes-1:0] sense_ready, lane_idle, lane_cur_idle, seg_credit;
  logic              sense_start, seq_busy;
  logic [31:0]       pages_issued;

  logic              seq_cmd_valid, seq_cmd_ready, seq_cmd_cache;
  logic [Planes-1:0] seq_cmd_mask;
  logic [31:0]       seq_cmd_page;

  ifc_prefetch_seq #(.Planes(Planes), .SegsPerPage(SegsPerPage)) u_seq (
    .clk_i, .rst_ni(dp_rst_n),
    .start_i(seq_start), .base_page_i(s_base), .nsegs_i(s_nsegs),
    .sense_ready_i(sense_ready), .sense_start_o(sense_start),
    .nand_cmd_valid_o(seq_cmd_valid), .nand_cmd_ready_i(seq_cmd_ready), .nand_cmd_plane_mask_o(seq_cmd_mask),
    .nand_cmd_page_o(seq_cmd_page), .nand_cmd_cache_o(seq_cmd_cache),
    .busy_o(seq_busy), .pages_issued_o(pages_issued)
  );

  // Read-retry unit (re-reads of uncorrectable segments) and the NAND command arbiter: retry reads
  // first; a command presented to the NAND stays presented (and unchanged) until it is accepted.
  logic              rty_cmd_valid, rty_cmd_ready, rq_valid, rq_ready;
  logic [Planes-1:0] rty_cmd_mask;
  logic [31:0]       rty_cmd_page, rq_g;
  logic [15:0]       rty_cmd_seg, rq_s;
  logic [3:0]        rty_cmd_step, rq_step, rsrc_step;
  logic              rsrc_valid, rsrc_ready, rty_idle;
  logic [BondW-1:0]  rsrc_data;
  logic [MetaW-1:0]  rsrc_meta;
  logic              arb_lock_q, arb_lock_d, arb_rty_q, arb_rty_d, arb_rty;

  ifc_read_retry #(
    .Planes(Planes), .SegsPerPage(SegsPerPage), .BondBytes(BondBytes), .SegBeats(SegBeats),
    .ParityBits(ParityBits), .GenPoly(GenPoly), .EccT(EccT), .Depth(RetryDepth)
  ) u_retry (
    .clk_i, .rst_ni(dp_rst_n), .base_page_i(base_q),
    .req_valid_i(rq_valid), .req_ready_o(rq_ready), .req_g_i(rq_g), .req_s_i(rq_s), .req_step_i(rq_step),
    .nand_cmd_valid_o(rty_cmd_valid), .nand_cmd_ready_i(rty_cmd_ready), .nand_cmd_plane_mask_o(rty_cmd_mask),
    .nand_cmd_page_o(rty_cmd_page), .nand_cmd_seg_o(rty_cmd_seg), .nand_cmd_step_o(rty_cmd_step),
    .nand_valid_i(nand_rty_valid_i), .nand_data_i(nand_rty_data_i), .nand_last_i(nand_rty_last_i),
    .nand_err_i(nand_rty_err_i),
    .out_valid_o(rsrc_valid), .out_ready_i(rsrc_ready), .out_data_o(rsrc_data), .out_meta_o(rsrc_meta),
    .out_step_o(rsrc_step), .idle_o(rty_idle)
  );

  assign arb_rty               = arb_lock_q ? arb_rty_q : rty_cmd_valid;
  assign nand_cmd_valid_o      = arb_rty ? rty_cmd_valid : (seq_cmd_valid && !ic_hit);
  assign nand_cmd_plane_mask_o = arb_rty ? rty_cmd_mask : seq_cmd_mask;
  assign nand_cmd_page_o       = arb_rty ? rty_cmd_page : seq_cmd_page;
  assign nand_cmd_cache_o      = arb_rty ? 1'b0 : seq_cmd_cache;
  assign nand_cmd_step_o       = arb_rty ? rty_cmd_step : 4'd0;
  assign nand_cmd_seg_o        = arb_rty ? rty_cmd_seg : 16'd0;
  assign rty_cmd_ready         = arb_rty && nand_cmd_ready_i;
  assign seq_cmd_ready         = !arb_rty && (ic_hit ? !ic_busy_q : nand_cmd_ready_i);
  assign arb_lock_d            = nand_cmd_valid_o && !nand_cmd_ready_i;
  assign arb_rty_d             = arb_rty;
  always_ff @(posedge clk_i or negedge dp_rst_n) begin
    if (!dp_rst_n) begin
      arb_lock_q <= 1'b0;
      arb_rty_q  <= 1'b0;
    end else begin
      arb_lock_q <= arb_lock_d;
      arb_rty_q  <= arb_rty_d;
    end
  end

  // ATTN: the open stripe's page is served from the KV write buffer. The sequencer's read of it is
  // taken here (never sent to the NAND); then plane by plane, once the plane has no NAND page in
  // flight (ocnt), ifc_kv_append streams the page into that plane's lane as if sensed.
  localparam int unsigned OcW = 4;
  logic              ic_hit, ic_busy_d, ic_rd_q, ic_rd_d, ic_start, ord_valid, ord_last;
  logic [BondW-1:0]  ord_data;
  logic [KvPlaneW-1:0] ic_pl_q, ic_pl_d;
  logic [Planes*OcW-1:0] ocnt_q, ocnt_d;
  logic [31:0]       ic_pages_q, ic_pages_d;
  assign ic_hit = (state_q == ifc_pkg::CoreAttnK || state_q == ifc_pkg::CoreAttnV) && !arb_rty && seq_cmd_valid &&
                  (seq_cmd_page == sq_open_q);
  always_comb begin
    ic_busy_d = ic_busy_q; ic_rd_d = ic_rd_q; ic_pl_d = ic_pl_q; ic_start = 1'b0; ic_pages_d = ic_pages_q;
    if (!ic_busy_q) begin
      if (ic_hit && seq_cmd_ready) begin
        ic_busy_d = 1'b1;
        ic_pl_d = '0;
      end
    end else if (!ic_rd_q) begin
      if (ocnt_q[32'(ic_pl_q)*OcW +: OcW] == '0) begin
        ic_start = 1'b1;
        ic_rd_d = 1'b1;
      end
    end else if (ord_last) begin
      ic_rd_d = 1'b0;
      ic_pl_d = ic_pl_q + 1'b1;
      ic_pages_d = ic_pages_q + 32'd1;
      if (ic_pl_q == KvPlaneW'(Planes - 1)) ic_busy_d = 1'b0;
    end
    for (int p = 0; p < Planes; p++) begin
      ocnt_d[p*OcW +: OcW] = ocnt_q[p*OcW +: OcW]
          + OcW'(nand_cmd_valid_o && nand_cmd_ready_i && nand_cmd_step_o == '0 && nand_cmd_plane_mask_o[p])
          - OcW'(nand_dat_valid_i[p] && nand_dat_last_i[p]);
    end
  end
  always_ff @(posedge clk_i or negedge dp_rst_n) begin
    if (!dp_rst_n) begin
      ic_busy_q <= 1'b0; ic_rd_q <= 1'b0; ic_pl_q <= '0; ocnt_q <= '0;
    end else begin
      ic_busy_q <= ic_busy_d; ic_rd_q <= ic_rd_d; ic_pl_q <= ic_pl_d; ocnt_q <= ocnt_d;
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ic_pages_q <= '0;
    else         ic_pages_q <= ic_pages_d;
  end

  // Per plane: lane -> checker -> (tag) -> segment FIFO
  logic [Planes-1:0]         fifo_valid, fifo_ready, fifo_empty;
  logic [Planes*BondW-1:0]   fifo_data;
  logic [Planes*MetaW-1:0]   fifo_meta;
  logic [Planes*32-1:0]      pg_q, pg_d;   // global index of each plane's next segment
  logic [Planes*16-1:0]      ps_q, ps_d;   // its k-slice

  // (s + n) mod S for s < S, n <= Planes, by repeated subtraction (no divider)
  function automatic logic [15:0] mod_add(input logic [15:0] s, input logic [4:0] n, input logic [15:0] S);
    logic [16:0] x;
    x = 17'(s) + 17'(n);
    for (int i = 0; i < Planes; i++) begin
      if (x >= 17'(S)) x = x - 17'(S);
    end
    mod_add = x[15:0];
  endfunction

  for (genvar p = 0; p < Planes; p++) begin : g_plane
    logic             lv, lr, lseg_last, lerr;
    logic [BondW-1:0] ldata;
    logic             cv, cr, clast, cdirty, cerased;
    logic [0:0]       cside;
    logic [BondW-1:0] cdata;
    logic [ParityBits-1:0] crem;
    logic [SegW-1:0]  unused_seg;
    logic             unused_slot, lpage_last;
    logic [31:0]      ltag;
    logic [30:0]      unused_tag;
    // Phase gate: a page goes to the checker only in its own phase (tag bit 31 = phase parity).
    // pc0 / pc1: pages of parity 0 / 1 in the lane (sensed, not fully handed on); ck: segments in
    // the checker. The current phase has drained this plane when both are zero for its parity.
    logic             lgate, lv_g, lr_l;
    logic [2:0]       pc0_q, pc0_d, pc1_q, pc1_d;
    logic [3:0]       ck_q, ck_d;
    assign unused_tag = ltag[30:0];
    assign lgate = (ltag[31] == dp_ep_q);
    assign lv_g  = lv && lgate;
    assign lr_l  = lr && lgate;
    always_comb begin
      pc0_d = pc0_q + 3'(sense_start && !sq_ep_q) - 3'(lv && lr_l && lpage_last && !ltag[31]);
      pc1_d = pc1_q + 3'(sense_start && sq_ep_q) - 3'(lv && lr_l && lpage_last && ltag[31]);
      ck_d  = ck_q + 4'(lv_g && lr && lseg_last) - 4'(cv && cr && clast);
    end
    always_ff @(posedge clk_i or negedge dp_rst_n) begin
      if (!dp_rst_n) begin
        pc0_q <= '0; pc1_q <= '0; ck_q <= '0;
      end else begin
        pc0_q <= pc0_d; pc1_q <= pc1_d; ck_q <= ck_d;
      end
    end
    assign lane_cur_idle[p] = ((dp_ep_q ? pc1_q : pc0_q) == '0) && (ck_q == '0);
    logic [$clog2(SegCredits + 1)-1:0] unused_credits;
    logic [$clog2(SegBeats + 1)-1:0]   unused_beat;
    logic             unused_first, unused_last;
    logic             ord_here;  // a write-buffer page beat for this plane
    assign ord_here = ord_valid && ic_rd_q && (ic_pl_q == KvPlaneW'(p));

    ifc_plane_lane #(
      .PageDataBytes(PageDataBytes), .PageSpareBytes(PageSpareBytes), .BondBytes(BondBytes),
      .SegPayloadBytes(SegPayloadBytes), .SegSlotBytes(SegSlotBytes), .SegCredits(SegCredits)
    ) u_lane (
      .clk_i, .rst_ni(dp_rst_n), .cache_en_i(1'b1),
      .sense_ready_o(sense_ready[p]), .sense_start_i(sense_start), .sense_tag_i({sq_ep_q, nand_cmd_page_o[30:0]}),
      .nand_valid_i(nand_dat_valid_i[p] || ord_here), .nand_data_i(ord_here ? ord_data : nand_dat_data_i[p*BondW +: BondW]),
      .nand_last_i(ord_here ? ord_last : nand_dat_last_i[p]), .nand_err_i(nand_dat_err_i[p] && !ord_here),
      .out_valid_o(lv), .out_ready_i(lr_l), .out_data_o(ldata), .out_seg_o(unused_seg),
      .out_slot_o(unused_slot), .out_seg_last_o(lseg_last), .out_page_last_o(lpage_last),
      .out_tag_o(ltag), .out_err_o(lerr),
      .seg_credit_i(seg_credit[p]), .credits_o(unused_credits), .idle_o(lane_idle[p])
    );

    ifc_ecc_checker #(
      .BondBytes(BondBytes), .SegBeats(SegBeats), .ParityBits(ParityBits), .GenPoly(GenPoly),
      .ErasedMaxZeros(EccT), .SideW(1)
    ) u_chk (
      .clk_i, .rst_ni(dp_rst_n),
      .in_valid_i(lv_g), .in_ready_o(lr), .in_data_i(ldata), .in_last_i(lseg_last), .in_side_i(lerr),
      .out_valid_o(cv), .out_ready_i(cr), .out_data_o(cdata), .out_last_o(clast), .out_side_o(cside),
      .out_dirty_o(cdirty), .out_erased_o(cerased), .out_rem_o(crem)
    );

    ifc_seg_fifo #(.BeatW(BondW), .SegBeats(SegBeats), .Segs(SegCredits), .MetaW(MetaW)) u_fifo (
      .clk_i, .rst_ni(dp_rst_n),
      .wr_valid_i(cv), .wr_ready_o(cr), .wr_data_i(cdata), .wr_last_i(clast),
      .wr_meta_i({crem, cside[0], cerased, cdirty, ps_q[p*16 +: 16], pg_q[p*32 +: 32]}),
      .rd_valid_o(fifo_valid[p]), .rd_ready_i(fifo_ready[p]), .rd_data_o(fifo_data[p*BondW +: BondW]),
      .rd_first_o(unused_first), .rd_last_o(unused_last), .rd_beat_o(unused_beat),
      .rd_meta_o(fifo_meta[p*MetaW +: MetaW]), .pop_o(seg_credit[p]), .empty_o(fifo_empty[p])
    );

    always_comb begin
      pg_d[p*32 +: 32] = pg_q[p*32 +: 32];
      ps_d[p*16 +: 16] = ps_q[p*16 +: 16];
      if (dp_start) begin
        pg_d[p*32 +: 32] = 32'(p);
        ps_d[p*16 +: 16] = mod_add(16'd0, 5'(p), d_spr[15:0]);
      end else if (cv && cr && clast) begin
        pg_d[p*32 +: 32] = pg_q[p*32 +: 32] + 32'(Planes);
        ps_d[p*16 +: 16] = mod_add(ps_q[p*16 +: 16], 5'(Planes), spr_q[15:0]);
      end
    end
  end

  always_ff @(posedge clk_i or negedge dp_rst_n) begin
    if (!dp_rst_n) begin
      pg_q <= '0;
      ps_q <= '0;
    end else begin
      pg_q <= pg_d;
      ps_q <= ps_d;
    end
  end

  // =============================================================================================
  // Corrector, dispatcher, PE lanes, scoreboard
  // =============================================================================================
  logic [CorrPorts-1:0]            cin_valid, cin_ready, cin_last, cout_valid, cout_ready, cout_last, cout_unc;
  logic [CorrPorts*BondW-1:0]      cin_data, cout_data;
  logic [CorrPorts*52-1:0]         cin_tag, cout_tag;   // {retry step, s, g}
  logic [CorrPorts*ParityBits-1:0] cin_rem;
  logic [CorrPorts-1:0]            corr_idle_v;
  logic                            corr_idle;

  for (genvar c = 0; c < CorrPorts; c++) begin : g_corr
    logic [$clog2(EccT + 1)-1:0] unused_nerr;
    logic [NumCorrectors-1:0]    unused_busy;
    logic [31:0]                 unused_perf_corr, unused_perf_unc, unused_perf_crc;
    ifc_ecc_corrector #(
      .BondBytes(BondBytes), .SegBeats(SegBeats), .M(EccM), .T(EccT), .ParityBits(ParityBits),
      .PrimPoly(PrimPoly), .NumEngines(NumCorrectors), .ChienPar(ChienPar), .TagW(52),
      .SegCrc(SegCrc), .PayBeats(PayBeats)
    ) u_corr (
      .clk_i, .rst_ni(dp_rst_n),
      .in_valid_i(cin_valid[c]), .in_ready_o(cin_ready[c]), .in_data_i(cin_data[c*BondW +: BondW]),
      .in_last_i(cin_last[c]), .in_tag_i(cin_tag[c*52 +: 52]), .in_rem_i(cin_rem[c*ParityBits +: ParityBits]),
      .out_valid_o(cout_valid[c]), .out_ready_i(cout_ready[c]), .out_data_o(cout_data[c*BondW +: BondW]),
      .out_last_o(cout_last[c]), .out_tag_o(cout_tag[c*52 +: 52]), .out_uncorrectable_o(cout_unc[c]),
      .out_nerr_o(unused_nerr), .busy_o(unused_busy), .idle_o(corr_idle_v[c]),
      .perf_corrected_o(unused_perf_corr), .perf_uncorrectable_o(unused_perf_unc),
      .perf_crc_fail_o(unused_perf_crc)
    );
  end
  assign corr_idle = &corr_idle_v;

  logic [Lanes-1:0]       l_seg_valid, l_seg_ready, l_beat_valid, l_beat_ready, l_beat_last;
  logic [Lanes*32-1:0]    l_seg_tag, l_seg_act;
  logic [Lanes*BondW-1:0] l_beat_data;
  logic                   fail_valid, fail_ready, disp_idle;
  logic [31:0]            fail_g, sb_limit, sb_commit;
  logic [31:0]            cnt_clean, cnt_erased, cnt_corr, cnt_unc, cnt_rerr;
  logic [31:0]            st_win, st_lanes, st_corr, st_ord, cnt_rec, cnt_exh;
  logic [CorrPorts-1:0]   unused_cout_last;
  logic [Lanes-1:0]       rob_seg_ready, rob_beat_ready;
  logic [31:0]            rob_limit;
  logic                   rob_fail_ready;

  assign unused_cout_last = cout_last;

  ifc_dispatch #(
    .Planes(Planes), .Lanes(Lanes), .CorrPorts(CorrPorts), .BeatW(BondW), .SegBeats(SegBeats), .PayBeats(PayBeats), .RemW(ParityBits),
    .RetryMax(RetryMax), .RetryDepth(RetryDepth)
  ) u_disp (
    .clk_i, .rst_ni(dp_rst_n), .clear_i(dp_start), .cnt_clear_i(cnt_clr), .inorder_i(inorder_q), .dtype_i(dtype_q), .nsegs_i(nsegs_q),
    .limit_i(pv_mode ? rob_limit : sb_limit),
    .src_valid_i(fifo_valid), .src_ready_o(fifo_ready), .src_data_i(fifo_data), .src_meta_i(fifo_meta),
    .cin_valid_o(cin_valid), .cin_ready_i(cin_ready), .cin_data_o(cin_data), .cin_last_o(cin_last),
    .cin_tag_o(cin_tag), .cin_rem_o(cin_rem),
    .cout_valid_i(cout_valid), .cout_ready_o(cout_ready), .cout_data_i(cout_data), .cout_tag_i(cout_tag),
    .cout_unc_i(cout_unc),
    .seg_valid_o(l_seg_valid), .seg_ready_i(pv_mode ? rob_seg_ready : l_seg_ready), .seg_tag_o(l_seg_tag),
    .seg_act_elem_o(l_seg_act),
    .beat_valid_o(l_beat_valid), .beat_ready_i(pv_mode ? rob_beat_ready : l_beat_ready), .beat_data_o(l_beat_data),
    .beat_last_o(l_beat_last),
    .fail_valid_o(fail_valid), .fail_ready_i(fail_ready), .fail_g_o(fail_g),
    .rty_valid_i(rsrc_valid), .rty_ready_o(rsrc_ready), .rty_data_i(rsrc_data), .rty_meta_i(rsrc_meta),
    .rty_step_i(rsrc_step),
    .rq_valid_o(rq_valid), .rq_ready_i(rq_ready), .rq_g_o(rq_g), .rq_s_o(rq_s), .rq_step_o(rq_step),
    .idle_o(disp_idle),
    .cnt_clean_o(cnt_clean), .cnt_erased_o(cnt_erased), .cnt_corrected_o(cnt_corr),
    .cnt_uncorrectable_o(cnt_unc), .cnt_read_err_o(cnt_rerr),
    .stall_window_o(st_win), .stall_lanes_o(st_lanes), .stall_corrector_o(st_corr), .stall_inorder_o(st_ord),
    .cnt_recovered_o(cnt_rec), .cnt_exhausted_o(cnt_exh)
  );

  // PE lanes, each with its activation copy. ATTN_MULTI: slot g's q sits in the activation after
  // the q of the mask's lower slots (at_aoff, elements).
  logic [31:0] act_off;
  assign act_off = (state_q == ifc_pkg::CoreAttnK) ? at_aoff_q : 32'd0;
  logic [Lanes-1:0]      r_valid, r_ready;
  logic [Lanes*32-1:0]   r_tag, r_psum;
  logic [Lanes-1:0]      unused_act_wr_ready;

  for (genvar l = 0; l < Lanes; l++) begin : g_pe
    logic                act_re;
    logic [ActAW-1:0]    act_addr;
    logic [ActWordW-1:0] act_rdata;

    ifc_act_buffer #(.Macs(Macs), .MaxK(MaxK)) u_act (
      .clk_i, .rst_ni,
      .wr_valid_i(act_we), .wr_ready_o(unused_act_wr_ready[l]), .wr_addr_i(act_waddr), .wr_data_i(act_wdata),
      .re_i(act_re), .raddr_i(act_addr), .rdata_o(act_rdata)
    );

    ifc_pe_lane #(.BondBytes(BondBytes), .Macs(Macs), .TagW(32), .MaxK(MaxK), .SegPayloadBytes(SegPayloadBytes)) u_pe (
      .clk_i, .rst_ni(dp_rst_n),
      .seg_valid_i(l_seg_valid[l] && !pv_mode), .seg_ready_o(l_seg_ready[l]), .seg_tag_i(l_seg_tag[l*32 +: 32]),
      .seg_dtype_i(dtype_q), .seg_act_elem_i(l_seg_act[l*32 +: 32] + act_off),
      .beat_valid_i(l_beat_valid[l] && !pv_mode), .beat_ready_o(l_beat_ready[l]),
      .beat_data_i(l_beat_data[l*BondW +: BondW]),
      .beat_last_i(l_beat_last[l]),
      .act_re_o(act_re), .act_addr_o(act_addr), .act_rdata_i(act_rdata),
      .res_valid_o(r_valid[l]), .res_ready_i(r_ready[l]), .res_tag_o(r_tag[l*32 +: 32]), .res_psum_o(r_psum[l*32 +: 32])
    );
  end

  // Partial sums to the scoreboard: the fail channel first, then lanes by index.
  logic        ps_valid, ps_ready, ps_fail;
  logic [31:0] ps_g, ps_value;
  always_comb begin
    ps_valid = 1'b0; ps_g = '0; ps_value = '0; ps_fail = 1'b0;
    fail_ready = 1'b0; r_ready = '0;
    if (pv_mode) begin
      fail_ready = rob_fail_ready;  // p.V: a failed V segment goes to the reorder buffer
    end else if (fail_valid) begin
      ps_valid = 1'b1; ps_g = fail_g; ps_fail = 1'b1;
      fail_ready = ps_ready;
    end else begin
      for (int l = Lanes - 1; l >= 0; l--) begin
        if (r_valid[l]) begin
          ps_valid = 1'b1; ps_g = r_tag[l*32 +: 32]; ps_value = r_psum[l*32 +: 32];
        end
      end
      for (int l = 0; l < Lanes; l++) begin
        if (r_valid[l] && ps_g == r_tag[l*32 +: 32]) r_ready[l] = ps_ready;
      end
    end
  end

  logic sb_busy, sb_done;
  ifc_scoreboard #(.Window(Window)) u_sb (
    .clk_i, .rst_ni(dp_rst_n),
    .start_i(dp_start && !d_is_v), .rows_i(d_rows), .segs_per_row_i(d_spr), .dtype_i(d_dtype),
    .limit_o(sb_limit), .commit_o(sb_commit),
    .ps_valid_i(ps_valid), .ps_ready_o(ps_ready), .ps_g_i(ps_g), .ps_value_i(ps_value), .ps_fail_i(ps_fail),
    .row_valid_o(row_valid), .row_ready_i(row_ready), .row_idx_o(row_idx), .row_value_o(row_value),
    .row_failed_o(row_failed), .busy_o(sb_busy), .done_o(sb_done)
  );

  // The GEMV is done when every row is out and every padding segment has been drained.
  // ATTN: the same over the current phase only (the next phase's reads may already be in the lanes).
  assign seq_cur_busy = seq_busy && (sq_ep_q == dp_ep_q);
  assign ic_cur_busy  = ic_busy_q && (sq_ep_q == dp_ep_q);
  assign ph_k_done = sb_done && !sb_busy && !seq_cur_busy && (&lane_cur_idle) && (&fifo_empty) && disp_idle &&
                     corr_idle && rty_idle;
  assign gemv_done = sb_done && !sb_busy && !seq_busy && (&lane_idle) && (&fifo_empty) && disp_idle && corr_idle &&
                     rty_idle;
  // Watchdog progress: a NAND beat, a partial sum into the scoreboard, a result word, or the host
  // holding res (its backpressure is not a fault).
  assign wd_progress = (|nand_dat_valid_i) || nand_rty_valid_i || (ps_valid && ps_ready) || res_fire ||
                       (res_valid_o && !res_ready_i) || ord_valid || (pv_mode && (|(l_beat_valid & rob_beat_ready))) ||
                       (sm_out_valid && pv_tok_ready);

  // =============================================================================================
  // ATTN: softmax, p.V reorder buffer, p.V lane (docs/kvnand.md)
  // =============================================================================================
  localparam int unsigned SmSumW = 26 + $clog2(AttnMaxTokens + 1);
  localparam int unsigned PvDW   = $clog2(AttnMaxD + 1);
  logic [SmSumW-1:0] unused_sm_sum;
  logic              rob_v_valid, rob_v_ready;
  logic [2*BondW-1:0] rob_v_data;  // beat pairs: the p.V lane takes 2 beats (2*BondW/16 bf16) a cycle

  ifc_softmax #(.MaxTokens(AttnMaxTokens)) u_softmax (
    .clk_i, .rst_ni(dp_rst_n),
    .in_valid_i(sm_in_valid), .in_ready_o(sm_in_ready), .in_score_i(row_value), .in_last_i(sm_in_last),
    .out_valid_o(sm_out_valid), .out_ready_i(pv_tok_ready), .out_p_o(sm_p), .out_last_o(sm_out_last),
    .sum_o(unused_sm_sum), .idle_o(sm_idle)
  );

  // Sized masks, not `pv_mode ? x : '0`: an unsized fill literal in a port connection makes Yosys 0.23
  // re-derive ifc_core after chparam under a $paramod name, and `synth -top ifc_core` then fails.
  ifc_pv_rob #(.Lanes(Lanes), .BeatW(BondW), .PayBeats(PayBeats), .Segs(PvRobSegs)) u_rob (
    .clk_i, .rst_ni(dp_rst_n), .start_i(dp_start && d_is_v), .limit_o(rob_limit),
    .seg_valid_i(l_seg_valid & {Lanes{pv_mode}}), .seg_ready_o(rob_seg_ready), .seg_tag_i(l_seg_tag),
    .beat_valid_i(l_beat_valid & {Lanes{pv_mode}}), .beat_ready_o(rob_beat_ready), .beat_data_i(l_beat_data),
    .beat_last_i(l_beat_last),
    .fail_valid_i(fail_valid && pv_mode), .fail_ready_o(rob_fail_ready), .fail_g_i(fail_g),
    .v_valid_o(rob_v_valid), .v_ready_i(rob_v_ready), .v_data_o(rob_v_data), .empty_o(rob_empty),
    .failed_o(rob_failed)
  );

  ifc_pv_lane #(.MaxD(AttnMaxD), .Macs(2 * BondW / 16)) u_pv (
    .clk_i, .rst_ni(dp_rst_n), .start_i(pv_start), .d_i(PvDW'(at_d_q)), .idle_o(pv_idle),
    .tok_valid_i(sm_out_valid), .tok_ready_o(pv_tok_ready), .tok_p_i(sm_p), .tok_last_i(sm_out_last),
    .v_valid_i(rob_v_valid), .v_ready_o(rob_v_ready), .v_data_i(rob_v_data),
    .out_valid_o(pv_out_valid), .out_ready_i(pv_out_ready), .out_data_o(pv_out_data), .out_last_o(pv_out_last)
  );

  // The V phase is over when the output is out and every padding segment has drained.
  assign at_dp_idle = !seq_cur_busy && (&lane_cur_idle) && (&fifo_empty) && disp_idle && corr_idle && rty_idle &&
                      rob_empty && !ic_cur_busy && sm_idle && pv_idle;

  // =============================================================================================
  // KV cache: append path (write buffer, encoder, program sequencer, mapping table)
  // =============================================================================================
  localparam int unsigned KvMapAW = (2 * KvGroups * KvMaxRuns > 1) ? $clog2(2 * KvGroups * KvMaxRuns) : 1;
  localparam int unsigned KvPlaneW = (Planes > 1) ? $clog2(Planes) : 1;
  logic [31:0]         kv_alloc, kv_region, kv_map_rdata, kv_pages, kv_tokens, kv_stall, kv_map_idx_q;
  logic [31:0]         kv_prg_fail, kv_cmd_prg_fail;
  logic [KvPlaneW-1:0] kv_prg_plane;
  logic                kv_map_re;
  assign kv_map_re = csr_we_i && csr_addr_i == 5'd25;

  ifc_kv_append #(
    .Planes(Planes), .PageDataBytes(PageDataBytes), .PageSpareBytes(PageSpareBytes), .BondBytes(BondBytes),
    .SegPayloadBytes(SegPayloadBytes), .SegSlotBytes(SegSlotBytes), .ParityBits(ParityBits), .GenPoly(GenPoly),
    .SegCrc(SegCrc), .KvGroups(KvGroups), .MaxRuns(KvMaxRuns), .PagesPerPlane(PagesPerPlane)
  ) u_kv (
    .clk_i, .rst_ni,
    .start_i(kv_start), .dtype_i(c_dtype), .d_i(c_rows), .group_i(c_k), .token_i(c_base),
    .idle_o(kv_idle), .done_o(kv_done), .err_o(kv_err),
    .in_valid_i(act_valid_i && state_q == ifc_pkg::CoreKv), .in_ready_o(kv_in_ready), .in_data_i(act_data_i),
    .in_last_i(act_last_i),
    .nand_prg_valid_o, .nand_prg_ready_i, .nand_prg_plane_o(kv_prg_plane), .nand_prg_page_o, .nand_prg_data_o,
    .nand_prg_last_o, .nand_prg_fail_i,
    .base_we_i(csr_we_i && csr_addr_i == 5'd24), .base_i(csr_wdata_i), .base_o(kv_alloc), .region_o(kv_region),
    .map_re_i(kv_map_re), .map_idx_i(csr_wdata_i[KvMapAW-1:0]), .map_rdata_o(kv_map_rdata),
    .perf_pages_o(kv_pages), .perf_tokens_o(kv_tokens), .perf_stall_o(kv_stall),
    .perf_prg_fail_o(kv_prg_fail), .prg_failed_o(kv_cmd_prg_fail),
    .q_grp_i(kvq_grp), .q_ntok_o(kvq_ntok), .q_d_o(kvq_d), .q_slog_o(kvq_slog), .q_kbase_o(kvq_kbase),
    .q_vbase_o(kvq_vbase),
    .ord_start_i(ic_start), .ord_abort_i(flush_q), .ord_kv_i(sq_v_q), .ord_plane_i(ic_pl_q), .ord_valid_o(ord_valid),
    .ord_data_o(ord_data), .ord_last_o(ord_last)
  );
  assign nand_prg_plane_o = 8'(kv_prg_plane);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) kv_map_idx_q <= '0;
    else if (kv_map_re) kv_map_idx_q <= csr_wdata_i;
  end

  // =============================================================================================
  // Performance counters and CSRs
  // =============================================================================================
  // CSRs 3..13, 16, 22 cover the last command that read the flash (GEMV, ATTN, ATTN_MULTI), every
  // phase of it: they restart at the command (cnt_clr), not at a phase, because the sequencer
  // senses the next phase's pages while the current one drains (docs/kvnand.md).
  logic [31:0] cyc_q, bytes_q, bytes_d, rty_reads_q, rty_reads_d, rty_busy_q, rty_busy_d, pgs_q, pgs_d;
  always_comb begin
    bytes_d = bytes_q;
    rty_reads_d = rty_reads_q + 32'(rty_cmd_valid && rty_cmd_ready);
    rty_busy_d  = rty_busy_q + 32'(!rty_idle);
    pgs_d = pgs_q + 32'(sense_start);
    if (cnt_clr) begin
      bytes_d = '0; rty_reads_d = '0; rty_busy_d = '0; pgs_d = '0;
    end
    for (int p = 0; p < Planes; p++) begin
      if (nand_dat_valid_i[p]) bytes_d = bytes_d + 32'(BondBytes);
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cyc_q <= '0;
      bytes_q <= '0;
      rty_reads_q <= '0;
      rty_busy_q <= '0;
      pgs_q <= '0;
    end else begin
      cyc_q <= cyc_q + 1'b1;
      bytes_q <= bytes_d;
      rty_reads_q <= rty_reads_d;
      rty_busy_q <= rty_busy_d;
      pgs_q <= pgs_d;
    end
  end

  always_comb begin
    case (csr_addr_i)
      5'd0:  csr_rdata_o = {27'd0, state_q, (state_q != ifc_pkg::CoreIdle)};
      5'd1:  csr_rdata_o = {24'd0, last_err_q};
      5'd2:  csr_rdata_o = cyc_q;
      5'd3:  csr_rdata_o = bytes_q;
      5'd4:  csr_rdata_o = cnt_clean;
      5'd5:  csr_rdata_o = cnt_corr;
      5'd6:  csr_rdata_o = cnt_unc;
      5'd7:  csr_rdata_o = cnt_erased;
      5'd8:  csr_rdata_o = cnt_rerr;
      5'd9:  csr_rdata_o = st_win;
      5'd10: csr_rdata_o = st_lanes;
      5'd11: csr_rdata_o = st_corr;
      5'd12: csr_rdata_o = st_ord;
      5'd13: csr_rdata_o = pgs_q;
      5'd14: csr_rdata_o = failed_rows_q;
      5'd15: csr_rdata_o = {31'd0, ctrl_inorder_q};
      5'd16: csr_rdata_o = rty_reads_q;
      5'd17: csr_rdata_o = cnt_rec;
      5'd18: csr_rdata_o = cnt_exh;
      5'd19: csr_rdata_o = wd_events_q;
      5'd20: csr_rdata_o = 32'(RetryMax);
      5'd21: csr_rdata_o = wd_limit_q;
      5'd22: csr_rdata_o = rty_busy_q;
      5'd24: csr_rdata_o = kv_alloc;
      5'd25: csr_rdata_o = kv_map_idx_q;
      5'd26: csr_rdata_o = kv_map_rdata;
      5'd27: csr_rdata_o = kv_pages;
      5'd28: csr_rdata_o = kv_tokens;
      5'd29: csr_rdata_o = kv_stall;
      5'd30: csr_rdata_o = kv_region;
      5'd31: csr_rdata_o = {kv_prg_fail[15:0], ic_pages_q[15:0]};
      default: csr_rdata_o = 32'd0;  // 23 reserved (reliability)
    endcase
  end

  // Reserved / unused bits
  logic [20:0] unused_cmd_bits;
  logic [30:0] unused_csr_bits;
  logic [1:0]  unused_row_hi;
  logic [31:0] unused_commit, unused_pages;
  logic [15:0] unused_prg_fail_hi;
  assign unused_prg_fail_hi = kv_prg_fail[31:16];  // CSR 31 shows the low 16 bits
  assign unused_cmd_bits = cmd_data_i[31:11];
  assign unused_csr_bits = csr_wdata_i[31:1];  // CSR 21 uses all 32 bits; CSR 15 only bit 0
  assign unused_row_hi   = row_idx[31:30];
  assign unused_commit   = sb_commit;
  assign unused_pages    = pages_issued;  // CSR 13 counts the whole command (pgs_q), not one phase

  // Assertions
  `IFC_ASSERT_STABLE(ResStable_A, res_valid_o, res_ready_i, res_data_o)
  `IFC_ASSERT_KNOWN(ResValidKnown_A, res_valid_o)
  `IFC_ASSERT_KNOWN(CmdReadyKnown_A, cmd_ready_o)
  `IFC_ASSERT(ActWriteInRange_A, act_we |-> (act_word_q < (ActAW+1)'(ActWords)))
`ifndef SYNTHESIS
  // The arbitrated NAND command is stable until accepted (written out: it is withdrawn legally by
  // the watchdog flush, so it is disabled by the datapath reset, not only rst_ni).
  NandCmdStable_A: assert property (@(posedge clk_i) disable iff (!dp_rst_n)
    ($past(nand_cmd_valid_o) && !$past(nand_cmd_ready_i) && $past(dp_rst_n)) |->
    (nand_cmd_valid_o && {nand_cmd_page_o, nand_cmd_plane_mask_o, nand_cmd_step_o, nand_cmd_seg_o, nand_cmd_cache_o}
                         == $past({nand_cmd_page_o, nand_cmd_plane_mask_o, nand_cmd_step_o, nand_cmd_seg_o, nand_cmd_cache_o})))
    else $error("[%m] valid/ready stability NandCmdStable_A failed");
`endif
  // ATTN: a write-buffer page never meets a NAND beat on its plane; the sequencer reads all planes.
  `IFC_ASSERT(OrdNoOverlap_A, ord_valid |-> !nand_dat_valid_i[ic_pl_q])
  `IFC_ASSERT(IcAllPlanes_A, (ic_hit && !ic_busy_q) |-> (&seq_cmd_mask))
  `IFC_ASSERT(PvOnlyRob_A, pv_mode |-> (r_valid == '0 && !ps_valid))
  `IFC_ASSERT_INIT(RetryMaxFits_A, RetryMax <= 15)
  // Segment size: a power of two from 128 B to 1 KiB; the activation buffer holds whole INT4 segments.
  `IFC_ASSERT_INIT(SegPayloadPow2_A, SegPayloadBytes >= 128 && SegPayloadBytes <= 1024 &&
                                     (SegPayloadBytes & (SegPayloadBytes - 1)) == 0)
  `IFC_ASSERT_INIT(MaxKWholeSegs_A, (MaxK % (2 * SegPayloadBytes)) == 0)
  // The activation loader packs 64-bit quads (4 elements) into words of Macs/2 quads.
  `IFC_ASSERT_INIT(MacsLoader_A, Macs >= 2 && (Macs & (Macs - 1)) == 0)
  `IFC_ASSERT(ActHoldOnlyInt8_A, act_hold_q |-> (ActQuads == 1 && act_dtype_q == ifc_pkg::DT_INT8))

endmodule
`default_nettype wire
