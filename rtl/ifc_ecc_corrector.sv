`default_nettype none
`include "ifc_assert.svh"
/// Asynchronous BCH corrector (NVLLM's ERDPE correction side): dirty segments in, corrected
/// segments out, in completion order.
///
/// Each segment is one BCH codeword of SegBeats beats of BondBytes (stream bit i = beat i/BondW,
/// beat bit i%BondW; bit j of a beat is byte j/8 bit j%8, little-endian), with the remainder
/// r(x) = c(x) mod g(x) from ifc_ecc_checker on its last beat. The segment is written into the
/// correction buffer (an ifc_sram_1r1w macro of Slots*SegBeats words; one segment per slot), its
/// remainder and tag into per-slot registers, and its slot into a pending FIFO. NumEngines
/// ifc_ecc_corr_engine instances (syndromes, binary inversionless BM, Chien search) take pending
/// segments in arrival order, the lowest idle engine first. A finished engine hands its error
/// positions to the read-out stage (round-robin among the finished engines), which streams the slot
/// out of the buffer and flips the bits at the error positions on the way; the slot is free again
/// once its last beat has been read.
///
///   slot life:  Free -> Writing (input beats) -> Pending (FIFO) -> Engine e -> Done (engine holds
///               the result) -> Reading (output beats) -> Free
///   SegCrc:     Engine e -> Check (g_crc: the CRC-32C of the corrected payload against its
///               corrected CRC field, PayBeats + 1 cycles, docs/ecc.md) -> Done -> Reading. A
///               mismatch (a BCH miscorrection) leaves as uncorrectable, with raw data and nerr 0.
///   ordering:   segments leave in completion order, not arrival order (a segment with few errors
///               overtakes one with many). in_tag_i identifies them; a segment's beats are contiguous.
///
///   example (defaults, NumEngines = 2, both ports at full rate; test OutOfOrderCompletion...):
///     | segment | errors                 | beats in | engine | start | Chien | result | beats out |
///     |---------|------------------------|----------|--------|-------|-------|--------|-----------|
///     | A       | 8, in the last 22 bits | 0..33    | 0      | 34    | 142   | 207    | 209..242  |
///     | B       | 1, stream bit 5        | 34..67   | 1      | 68    | 1     | 100    | 102..135  |
///     B overtakes A: its Chien search stops after 1 cycle, A's runs all 136 groups + 6 stalls.
///
/// Outputs per beat: out_data_o (corrected; the raw data when uncorrectable), out_last_o,
/// out_tag_o, out_uncorrectable_o (on every beat of an uncorrectable segment), out_nerr_o (bits
/// corrected; constant over the segment's beats, 0 when uncorrectable or clean).
///
/// Handshake : valid/ready in and out. in_ready_o is high inside a segment, and at a segment's first
///             beat only when a slot is free (no valid/ready dependency: in_ready_o is registered
///             state). in_tag_i and in_rem_i are sampled with the last beat. out_* is a registered
///             stream; payload stable while out_valid_o && !out_ready_i.
/// Latency   : last input beat -> first output beat = 1 (FIFO) + engine latency (ifc_ecc_corr_engine:
///             1 + ceil(ParityBits/SyndPar) + 1 + 2T + 1 + Chien cycles) + 1 (hand-over and first
///             read) + 1 (output register), when an engine and the read-out are free.
/// Throughput: input 1 beat/cycle while slots are free; output 1 beat/cycle (no bubble between
///             segments); at most NumEngines segments in correction at once.
/// Parameters: BondBytes (bytes/beat, BondBytes*8 a power of two), SegBeats (beats/segment, >= 2),
///             M (GF(2^M)), T (correctable bits), ParityBits (deg g), PrimPoly (M+1 bits), NumEngines,
///             ChienPar (Chien positions per cycle per engine), SyndPar (remainder bits per cycle per
///             engine), Slots (segments the buffer holds, >= NumEngines), TagW (tag bits), SegCrc
///             (check the segment CRC after correction; its field is bits 31..0 of beat PayBeats),
///             PayBeats (payload beats per segment).
module ifc_ecc_corrector #(
  parameter int unsigned BondBytes  = ifc_pkg::DEF_BOND_BYTES,
  parameter int unsigned SegBeats   = 34,
  parameter int unsigned M          = 12,
  parameter int unsigned T          = 8,
  parameter int unsigned ParityBits = 96,
  parameter logic [M:0]  PrimPoly   = 13'h1053,
  parameter int unsigned NumEngines = 2,
  parameter int unsigned ChienPar   = 16,
  parameter int unsigned SyndPar    = 8,
  parameter int unsigned Slots      = NumEngines + 2,
  parameter int unsigned TagW       = 32,
  parameter bit          SegCrc     = 1'b0,
  parameter int unsigned PayBeats   = SegBeats - 2,
  localparam int unsigned BondW = BondBytes * 8,
  localparam int unsigned NerrW = $clog2(T + 1)
) (
  input  wire logic                  clk_i,
  input  wire logic                  rst_ni,
  // Dirty segments in
  input  wire logic                  in_valid_i,
  output      logic                  in_ready_o,
  input  wire logic [BondW-1:0]      in_data_i,
  input  wire logic                  in_last_i,
  input  wire logic [TagW-1:0]       in_tag_i,
  input  wire logic [ParityBits-1:0] in_rem_i,
  // Corrected segments out
  output      logic                  out_valid_o,
  input  wire logic                  out_ready_i,
  output      logic [BondW-1:0]      out_data_o,
  output      logic                  out_last_o,
  output      logic [TagW-1:0]       out_tag_o,
  output      logic                  out_uncorrectable_o,
  output      logic [NerrW-1:0]      out_nerr_o,
  // Status and performance
  output      logic [NumEngines-1:0] busy_o,
  output      logic                  idle_o,
  output      logic [31:0]           perf_corrected_o,
  output      logic [31:0]           perf_uncorrectable_o,
  output      logic [31:0]           perf_crc_fail_o
);

  localparam int unsigned CodeBits = SegBeats * BondW;
  localparam int unsigned PosW     = $clog2(CodeBits);
  localparam int unsigned BitW     = $clog2(BondW);
  localparam int unsigned BeatW    = $clog2(SegBeats);
  localparam int unsigned SlotW    = (Slots > 1) ? $clog2(Slots) : 1;
  localparam int unsigned CntW     = $clog2(Slots + 1);
  localparam int unsigned EngW     = (NumEngines > 1) ? $clog2(NumEngines) : 1;
  localparam int unsigned Depth    = Slots * SegBeats;
  localparam int unsigned AddrW    = (Depth > 1) ? $clog2(Depth) : 1;

  // One beat of CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), stream bit order (beat bit 0
  // first, i.e. bytes in order, each LSB first). Linear in (crc, data): no init or final XOR here.
  function automatic logic [31:0] crc32c_step(logic [31:0] crc, logic [BondW-1:0] data);
    logic [31:0] c;
    c = crc;
    for (int i = 0; i < BondW; i++) begin
      c = (c[0] ^ data[i]) ? ((c >> 1) ^ 32'h82F63B78) : (c >> 1);
    end
    crc32c_step = c;
  endfunction

  // The bits of beat `beat` that the error positions `pos` (the first `nerr` of T) flip.
  function automatic logic [BondW-1:0] beat_flips(logic [T*PosW-1:0] pos, logic [NerrW-1:0] nerr,
                                                  logic [BeatW-1:0] beat);
    logic [BondW-1:0] m;
    m = '0;
    for (int q = 0; q < T; q++) begin
      if (NerrW'(q) < nerr && pos[q*PosW + BitW +: BeatW] == beat) begin
        m = m | (BondW'(1) << pos[q*PosW +: BitW]);
      end
    end
    beat_flips = m;
  endfunction

  // ---------------------------------------------------------------------------------------------
  // Input: slot allocation and buffer write
  // ---------------------------------------------------------------------------------------------
  logic [Slots-1:0]       slot_free_q, slot_free_d;
  logic                   in_active_q, in_active_d;     // inside a segment
  logic [SlotW-1:0]       in_slot_q, in_slot_d;
  logic [BeatW-1:0]       in_beat_q, in_beat_d;
  logic [Slots*ParityBits-1:0] slot_rem_q;         // written by the guarded block below
  logic [Slots*TagW-1:0]  slot_tag_q;
  // SegCrc: CRC-32C state of the raw payload being written, the raw CRC field (slot bytes 0..3 =
  // beat PayBeats bits 31:0), and per slot crc_raw ^ field_raw (0 when the raw segment checks).
  logic [31:0]            in_crc_q, in_crc_d, in_fld_q, in_fld_d;
  logic [Slots*32-1:0]    slot_cdiff_q;

  logic                   any_free, in_fire, in_end;
  logic [SlotW-1:0]       alloc_slot, wr_slot;
  logic [AddrW-1:0]       waddr;

  always_comb begin
    any_free   = 1'b0;
    alloc_slot = '0;
    for (int s = Slots - 1; s >= 0; s--) begin
      if (slot_free_q[s]) begin
        any_free   = 1'b1;
        alloc_slot = SlotW'(s);
      end
    end
  end

  assign in_ready_o = in_active_q || any_free;
  assign in_fire    = in_valid_i && in_ready_o;
  assign in_end     = in_fire && in_last_i;
  assign wr_slot    = in_active_q ? in_slot_q : alloc_slot;
  assign waddr      = AddrW'(wr_slot) * AddrW'(SegBeats) + AddrW'(in_beat_q);

  // ---------------------------------------------------------------------------------------------
  // Pending FIFO (slot indices in arrival order; never more than Slots entries)
  // ---------------------------------------------------------------------------------------------
  logic [Slots*SlotW-1:0] fifo_q, fifo_d;
  logic [SlotW-1:0]       fifo_wptr_q, fifo_wptr_d, fifo_rptr_q, fifo_rptr_d;
  logic [CntW-1:0]        fifo_cnt_q, fifo_cnt_d;
  logic [SlotW-1:0]       fifo_head;
  logic                   fifo_pop;

  always_comb begin
    fifo_head = '0;
    for (int s = 0; s < Slots; s++) begin
      if (fifo_rptr_q == SlotW'(s)) fifo_head = fifo_q[s*SlotW +: SlotW];
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Engines
  // ---------------------------------------------------------------------------------------------
  logic [NumEngines-1:0]            eng_start_valid, eng_start_ready, eng_res_valid, eng_res_ready;
  logic [NumEngines-1:0]            eng_unc, eng_busy;
  logic [NumEngines*SlotW-1:0]      eng_id;
  logic [NumEngines*NerrW-1:0]      eng_nerr;
  logic [NumEngines*T*PosW-1:0]     eng_pos;
  logic [ParityBits-1:0]            start_rem;

  always_comb begin
    start_rem = '0;
    for (int s = 0; s < Slots; s++) begin
      if (fifo_head == SlotW'(s)) start_rem = slot_rem_q[s*ParityBits +: ParityBits];
    end
  end

  // The lowest idle engine takes the FIFO head.
  logic start_taken;
  always_comb begin
    start_taken     = 1'b0;
    eng_start_valid = '0;
    for (int e = 0; e < NumEngines; e++) begin
      if (!start_taken && eng_start_ready[e] && fifo_cnt_q != '0) begin
        eng_start_valid[e] = 1'b1;
        start_taken        = 1'b1;
      end
    end
  end
  assign fifo_pop = |(eng_start_valid & eng_start_ready);

  for (genvar e = 0; e < NumEngines; e++) begin : g_eng
    ifc_ecc_corr_engine #(
      .M         (M),
      .T         (T),
      .ParityBits(ParityBits),
      .PrimPoly  (PrimPoly),
      .CodeBits  (CodeBits),
      .ChienPar  (ChienPar),
      .SyndPar   (SyndPar),
      .IdW       (SlotW)
    ) u_engine (
      .clk_i,
      .rst_ni,
      .start_valid_i(eng_start_valid[e]),
      .start_ready_o(eng_start_ready[e]),
      .start_rem_i  (start_rem),
      .start_id_i   (fifo_head),
      .res_valid_o  (eng_res_valid[e]),
      .res_ready_i  (eng_res_ready[e]),
      .res_id_o     (eng_id[e*SlotW +: SlotW]),
      .res_unc_o    (eng_unc[e]),
      .res_nerr_o   (eng_nerr[e*NerrW +: NerrW]),
      .res_pos_o    (eng_pos[e*T*PosW +: T*PosW]),
      .busy_o       (eng_busy[e])
    );
  end

  // ---------------------------------------------------------------------------------------------
  // Read-out: context (the segment being read), SRAM read stage, output register
  // ---------------------------------------------------------------------------------------------
  logic                   ctx_active_q, ctx_active_d;   // beats left to read
  logic [BeatW-1:0]       ctx_beat_q, ctx_beat_d;       // next beat to read
  logic [SlotW-1:0]       ctx_slot_q, ctx_slot_d;
  logic [T*PosW-1:0]      ctx_pos_q;
  logic [NerrW-1:0]       ctx_nerr_q, ctx_nerr_d;
  logic                   ctx_unc_q, ctx_unc_d;
  logic [TagW-1:0]        ctx_tag_q;
  logic                   rd_valid_q, rd_valid_d;       // rdata holds a beat not yet moved out
  logic [BeatW-1:0]       rd_beat_q, rd_beat_d;
  logic                   rd_last_q, rd_last_d;
  logic                   out_valid_q, out_valid_d;
  logic [BondW-1:0]       out_data_q, out_data_d;
  logic                   out_last_q, out_last_d, out_unc_q, out_unc_d;
  logic [TagW-1:0]        out_tag_q, out_tag_d;
  logic [NerrW-1:0]       out_nerr_q, out_nerr_d;
  logic [EngW-1:0]        rr_q, rr_d;                   // last engine granted
  logic [31:0]            cnt_corr_q, cnt_corr_d, cnt_unc_q, cnt_unc_d, cnt_crc_q, cnt_crc_d;

  logic                   move, can_issue, pick, rd_issue, rd_last_issue;
  logic                   pick_found;
  logic [EngW-1:0]        pick_e;
  logic [SlotW-1:0]       pick_slot, rd_slot;
  logic [BeatW-1:0]       rd_beat_issue;
  logic [AddrW-1:0]       raddr;
  logic [BondW-1:0]       rdata, flip_mask;

  assign move      = rd_valid_q && (!out_valid_q || out_ready_i);
  assign can_issue = !rd_valid_q || move;

  // Round-robin among finished engines: the first one after rr_q.
  always_comb begin
    pick_found = 1'b0;
    pick_e     = '0;
    for (int e = 0; e < NumEngines; e++) begin
      if (!pick_found && eng_res_valid[e] && EngW'(e) > rr_q) begin
        pick_found = 1'b1;
        pick_e     = EngW'(e);
      end
    end
    for (int e = 0; e < NumEngines; e++) begin
      if (!pick_found && eng_res_valid[e]) begin
        pick_found = 1'b1;
        pick_e     = EngW'(e);
      end
    end
  end

  // The finished engine's result, selected by pick_e.
  logic [SlotW-1:0]  e_slot;
  logic [T*PosW-1:0] e_pos;
  logic [NerrW-1:0]  e_nerr;
  logic              e_unc, eng_take;
  always_comb begin
    e_slot = '0;
    e_pos  = '0;
    e_nerr = '0;
    e_unc  = 1'b0;
    for (int e = 0; e < NumEngines; e++) begin
      if (pick_e == EngW'(e)) begin
        e_slot = eng_id[e*SlotW +: SlotW];
        e_pos  = eng_pos[e*T*PosW +: T*PosW];
        e_nerr = eng_nerr[e*NerrW +: NerrW];
        e_unc  = eng_unc[e];
      end
    end
  end

  always_comb begin
    eng_res_ready = '0;
    for (int e = 0; e < NumEngines; e++) begin
      if (eng_take && pick_e == EngW'(e)) eng_res_ready[e] = 1'b1;
    end
  end

  // The read-out's source: the engine results directly, or (SegCrc) the CRC check stage.
  logic              src_valid, src_unc, src_crc_bad;
  logic [SlotW-1:0]  src_slot;
  logic [T*PosW-1:0] src_pos;
  logic [NerrW-1:0]  src_nerr;

  assign pick      = !ctx_active_q && can_issue && src_valid;
  assign pick_slot = src_slot;

  if (SegCrc) begin : g_crc
    // CRC check stage. CRC-32C is affine, so the CRC of the corrected payload is the CRC of the raw
    // payload (computed at the input, line rate) XOR the linear CRC of the error pattern. This stage
    // folds the error pattern of one segment, a beat per cycle (PayBeats + 1 cycles, no buffer
    // reads), and compares with the stored CRC field corrected by its own flips:
    //   bad = L(e_payload) ^ e_field != crc_raw ^ field_raw   (slot_cdiff)
    // Uncorrectable segments pass through unchecked. Throughput: one segment per PayBeats + 2
    // cycles, faster than the SegBeats-cycle read-out; latency + PayBeats + 2 cycles.
    logic              fx_active_q, fx_active_d, fx_done_q, fx_done_d, fx_bad_q, fx_bad_d;
    logic              fx_unc_q, fx_unc_d;
    logic [BeatW-1:0]  fx_beat_q, fx_beat_d;
    logic [SlotW-1:0]  fx_slot_q, fx_slot_d;
    logic [T*PosW-1:0] fx_pos_q, fx_pos_d;
    logic [NerrW-1:0]  fx_nerr_q, fx_nerr_d;
    logic [31:0]       fx_crc_q, fx_crc_d, fx_cdiff;
    logic [BondW-1:0]  fx_mask;
    logic              fx_free;

    // Operand isolation: the flip mask is only used while the stage folds a segment.
    always_comb begin
      fx_mask = '0;
      if (fx_active_q) fx_mask = beat_flips(fx_pos_q, fx_nerr_q, fx_beat_q);
    end
    assign fx_free  = !fx_active_q && (!fx_done_q || pick);
    assign eng_take = fx_free && pick_found;

    always_comb begin
      fx_cdiff = '0;
      for (int s = 0; s < Slots; s++) begin
        if (fx_slot_q == SlotW'(s)) fx_cdiff = slot_cdiff_q[s*32 +: 32];
      end
    end

    always_comb begin
      fx_active_d = fx_active_q;
      fx_done_d   = fx_done_q && !pick;
      fx_bad_d    = fx_bad_q;
      fx_unc_d    = fx_unc_q;
      fx_beat_d   = fx_beat_q;
      fx_slot_d   = fx_slot_q;
      fx_pos_d    = fx_pos_q;
      fx_nerr_d   = fx_nerr_q;
      fx_crc_d    = fx_crc_q;
      if (eng_take) begin
        fx_slot_d   = e_slot;
        fx_pos_d    = e_pos;
        fx_nerr_d   = e_nerr;
        fx_unc_d    = e_unc;
        fx_bad_d    = 1'b0;
        fx_beat_d   = '0;
        fx_crc_d    = '0;
        fx_active_d = !e_unc;
        fx_done_d   = e_unc;
      end else if (fx_active_q) begin
        if (fx_beat_q == BeatW'(PayBeats)) begin
          fx_bad_d    = (fx_crc_q ^ fx_mask[31:0]) != fx_cdiff;
          fx_active_d = 1'b0;
          fx_done_d   = 1'b1;
        end else begin
          fx_crc_d  = crc32c_step(fx_crc_q, fx_mask);
          fx_beat_d = fx_beat_q + BeatW'(1);
        end
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        fx_active_q <= 1'b0;
        fx_done_q   <= 1'b0;
      end else begin
        fx_active_q <= fx_active_d;
        fx_done_q   <= fx_done_d;
      end
    end
    always_ff @(posedge clk_i) begin
      fx_bad_q  <= fx_bad_d;
      fx_unc_q  <= fx_unc_d;
      fx_beat_q <= fx_beat_d;
      fx_slot_q <= fx_slot_d;
      fx_pos_q  <= fx_pos_d;
      fx_nerr_q <= fx_nerr_d;
      fx_crc_q  <= fx_crc_d;
    end

    assign src_valid   = fx_done_q;
    assign src_slot    = fx_slot_q;
    assign src_pos     = fx_pos_q;
    assign src_nerr    = fx_nerr_q;
    assign src_unc     = fx_unc_q;
    assign src_crc_bad = fx_bad_q;

    // The check stage is loaded only when free, and a checked result waits for the read-out.
    `IFC_ASSERT(FxNoOverrun_A, !eng_take || !fx_active_q)
  end else begin : g_no_crc
    logic unused_crc;
    assign unused_crc  = ^slot_cdiff_q;
    assign eng_take    = pick;
    assign src_valid   = pick_found;
    assign src_slot    = e_slot;
    assign src_pos     = e_pos;
    assign src_nerr    = e_nerr;
    assign src_unc     = e_unc;
    assign src_crc_bad = 1'b0;
  end

  // A new segment reads its beat 0 in the cycle it is picked (no bubble between segments).
  assign rd_issue      = pick || (ctx_active_q && can_issue);
  assign rd_slot       = pick ? pick_slot : ctx_slot_q;
  assign rd_beat_issue = pick ? '0 : ctx_beat_q;
  assign rd_last_issue = rd_issue && (rd_beat_issue == BeatW'(SegBeats - 1));
  assign raddr         = AddrW'(rd_slot) * AddrW'(SegBeats) + AddrW'(rd_beat_issue);

  ifc_sram_1r1w #(
    .Width(BondW),
    .Depth(Depth)
  ) u_buf (
    .clk_i,
    .we_i   (in_fire),
    .waddr_i(waddr),
    .wdata_i(in_data_i),
    .re_i   (rd_issue),
    .raddr_i(raddr),
    .rdata_o(rdata)
  );

  // Bits to flip in the beat held by the read stage.
  // (Operand isolation: only while the read stage holds a beat.)
  always_comb begin
    flip_mask = '0;
    if (rd_valid_q) flip_mask = beat_flips(ctx_pos_q, ctx_nerr_q, rd_beat_q);
  end

  // ---------------------------------------------------------------------------------------------
  // Next state
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    slot_free_d  = slot_free_q;
    in_active_d  = in_active_q;
    in_slot_d    = in_slot_q;
    in_beat_d    = in_beat_q;
    in_crc_d     = in_crc_q;
    in_fld_d     = in_fld_q;
    fifo_d       = fifo_q;
    fifo_wptr_d  = fifo_wptr_q;
    fifo_rptr_d  = fifo_rptr_q;
    fifo_cnt_d   = fifo_cnt_q;
    ctx_active_d = ctx_active_q;
    ctx_beat_d   = ctx_beat_q;
    ctx_slot_d   = ctx_slot_q;
    ctx_nerr_d   = ctx_nerr_q;
    ctx_unc_d    = ctx_unc_q;
    rd_valid_d   = rd_valid_q;
    rd_beat_d    = rd_beat_q;
    rd_last_d    = rd_last_q;
    out_valid_d  = out_valid_q;
    out_data_d   = out_data_q;
    out_last_d   = out_last_q;
    out_unc_d    = out_unc_q;
    out_tag_d    = out_tag_q;
    out_nerr_d   = out_nerr_q;
    rr_d         = rr_q;
    cnt_corr_d   = cnt_corr_q;
    cnt_unc_d    = cnt_unc_q;
    cnt_crc_d    = cnt_crc_q;

    // Input side
    if (in_fire) begin
      if (!in_active_q) begin
        for (int s = 0; s < Slots; s++) begin
          if (alloc_slot == SlotW'(s)) slot_free_d[s] = 1'b0;
        end
        in_slot_d = alloc_slot;
      end
      in_active_d = !in_last_i;
      in_beat_d   = in_last_i ? '0 : in_beat_q + BeatW'(1);
      if (SegCrc) begin
        if (in_beat_q < BeatW'(PayBeats)) begin
          in_crc_d = crc32c_step((in_beat_q == '0) ? 32'hFFFF_FFFF : in_crc_q, in_data_i);
        end
        if (in_beat_q == BeatW'(PayBeats)) in_fld_d = in_data_i[31:0];
      end
      if (in_last_i) begin
        for (int s = 0; s < Slots; s++) begin
          if (fifo_wptr_q == SlotW'(s)) fifo_d[s*SlotW +: SlotW] = wr_slot;
        end
        fifo_wptr_d = (fifo_wptr_q == SlotW'(Slots - 1)) ? '0 : fifo_wptr_q + SlotW'(1);
      end
    end
    if (fifo_pop) begin
      fifo_rptr_d = (fifo_rptr_q == SlotW'(Slots - 1)) ? '0 : fifo_rptr_q + SlotW'(1);
    end
    fifo_cnt_d = fifo_cnt_q + CntW'(in_end) - CntW'(fifo_pop);

    // Read-out side: the segment context
    if (eng_take) rr_d = pick_e;
    if (pick) begin
      ctx_slot_d   = src_slot;
      ctx_active_d = 1'b1;
      ctx_beat_d   = BeatW'(1);
      // A CRC failure leaves like an uncorrectable segment: raw data, no flips, nerr 0.
      ctx_nerr_d   = src_crc_bad ? '0 : src_nerr;
      ctx_unc_d    = src_unc || src_crc_bad;
      if (src_unc || src_crc_bad) begin
        cnt_unc_d = cnt_unc_q + 32'd1;
      end else if (src_nerr != '0) begin
        cnt_corr_d = cnt_corr_q + 32'd1;
      end
      if (src_crc_bad) cnt_crc_d = cnt_crc_q + 32'd1;
    end else if (ctx_active_q && can_issue) begin
      ctx_beat_d = ctx_beat_q + BeatW'(1);
      if (rd_last_issue) ctx_active_d = 1'b0;
    end
    if (rd_last_issue) begin
      for (int s = 0; s < Slots; s++) begin
        if (rd_slot == SlotW'(s)) slot_free_d[s] = 1'b1;
      end
    end

    // Read stage
    if (rd_issue) begin
      rd_valid_d = 1'b1;
      rd_beat_d  = rd_beat_issue;
      rd_last_d  = rd_last_issue;
    end else if (move) begin
      rd_valid_d = 1'b0;
    end

    // Output register
    if (move) begin
      out_valid_d = 1'b1;
      out_data_d  = rdata ^ flip_mask;
      out_last_d  = rd_last_q;
      out_unc_d   = ctx_unc_q;
      out_tag_d   = ctx_tag_q;
      out_nerr_d  = ctx_nerr_q;
    end else if (out_ready_i) begin
      out_valid_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      slot_free_q  <= '1;
      in_active_q  <= 1'b0;
      in_slot_q    <= '0;
      in_beat_q    <= '0;
      fifo_wptr_q  <= '0;
      fifo_rptr_q  <= '0;
      fifo_cnt_q   <= '0;
      ctx_active_q <= 1'b0;
      ctx_beat_q   <= '0;
      rd_valid_q   <= 1'b0;
      out_valid_q  <= 1'b0;
      rr_q         <= '0;
      cnt_corr_q   <= '0;
      cnt_unc_q    <= '0;
      cnt_crc_q    <= '0;
    end else begin
      slot_free_q  <= slot_free_d;
      in_active_q  <= in_active_d;
      in_slot_q    <= in_slot_d;
      in_beat_q    <= in_beat_d;
      fifo_wptr_q  <= fifo_wptr_d;
      fifo_rptr_q  <= fifo_rptr_d;
      fifo_cnt_q   <= fifo_cnt_d;
      ctx_active_q <= ctx_active_d;
      ctx_beat_q   <= ctx_beat_d;
      rd_valid_q   <= rd_valid_d;
      out_valid_q  <= out_valid_d;
      rr_q         <= rr_d;
      cnt_corr_q   <= cnt_corr_d;
      cnt_unc_q    <= cnt_unc_d;
      cnt_crc_q    <= cnt_crc_d;
    end
  end

  // Payload and context registers (no reset).
  always_ff @(posedge clk_i) begin
    in_crc_q   <= in_crc_d;
    in_fld_q   <= in_fld_d;
    fifo_q     <= fifo_d;
    ctx_slot_q <= ctx_slot_d;
    ctx_nerr_q <= ctx_nerr_d;
    ctx_unc_q  <= ctx_unc_d;
    rd_beat_q  <= rd_beat_d;
    rd_last_q  <= rd_last_d;
    out_data_q <= out_data_d;
    out_last_q <= out_last_d;
    out_unc_q  <= out_unc_d;
    out_tag_q  <= out_tag_d;
    out_nerr_q <= out_nerr_d;
  end

  // The wide per-slot and per-segment context registers (no reset) are written only when they
  // change: a slot's remainder, tag and CRC difference with its segment's last input beat, the
  // read-out context when a segment is picked (a clock enable each; no next-state copy of them in
  // the cycles between, which are most cycles).
  always_ff @(posedge clk_i) begin
    if (in_end) begin
      for (int s = 0; s < Slots; s++) begin
        if (wr_slot == SlotW'(s)) begin
          slot_rem_q[s*ParityBits +: ParityBits] <= in_rem_i;
          slot_tag_q[s*TagW +: TagW]             <= in_tag_i;
          // The field is captured at beat PayBeats; the last beat is later (PayBeats < SegBeats - 1)
          // or this one.
          slot_cdiff_q[s*32 +: 32] <= ~in_crc_q ^ ((in_beat_q == BeatW'(PayBeats)) ? in_data_i[31:0] : in_fld_q);
        end
      end
    end
    if (pick) begin
      ctx_pos_q <= src_pos;
      for (int s = 0; s < Slots; s++) begin
        if (src_slot == SlotW'(s)) ctx_tag_q <= slot_tag_q[s*TagW +: TagW];
      end
    end
  end

  assign out_valid_o          = out_valid_q;
  assign out_data_o           = out_data_q;
  assign out_last_o           = out_last_q;
  assign out_tag_o            = out_tag_q;
  assign out_uncorrectable_o  = out_unc_q;
  assign out_nerr_o           = out_nerr_q;
  assign busy_o               = eng_busy;
  assign idle_o               = (&slot_free_q) && !rd_valid_q && !out_valid_q;
  assign perf_corrected_o     = cnt_corr_q;
  assign perf_uncorrectable_o = cnt_unc_q;
  assign perf_crc_fail_o      = cnt_crc_q;

  // Assertions
  `IFC_ASSERT_INIT(BondPow2_A, BondW == (1 << BitW))
  `IFC_ASSERT_INIT(SegBeats_A, SegBeats >= 2)
  `IFC_ASSERT_INIT(Slots_A, Slots >= NumEngines && NumEngines >= 1)
  `IFC_ASSERT_INIT(CrcField_A, !SegCrc || (PayBeats < SegBeats && BondW >= 32))
  `IFC_ASSERT_STABLE(InStable_A, in_valid_i, in_ready_o, {in_data_i, in_last_i, in_tag_i, in_rem_i})
  `IFC_ASSERT_STABLE(OutStable_A, out_valid_o, out_ready_i,
                     {out_data_o, out_last_o, out_tag_o, out_uncorrectable_o, out_nerr_o})
  `IFC_ASSERT_KNOWN(OutValidKnown_A, out_valid_o)
  `IFC_ASSERT_KNOWN(InReadyKnown_A, in_ready_o)
  // The segment length is SegBeats: in_last_i exactly on its last beat.
  `IFC_ASSERT(InLastPos_A, !in_fire || (in_last_i == (in_beat_q == BeatW'(SegBeats - 1))))
  // A new segment only starts into a free slot (no slot overflow), and never while one is open.
  `IFC_ASSERT(NoSlotOverflow_A, !in_fire || in_active_q || any_free)
  // The pending FIFO holds each slot at most once.
  `IFC_ASSERT(FifoNoOverflow_A, !in_end || fifo_cnt_q < CntW'(Slots) || fifo_pop)
  `IFC_ASSERT(FifoNoUnderflow_A, !fifo_pop || fifo_cnt_q != '0)
  // The read stage is never overwritten before it moved out.
  `IFC_ASSERT(RdNoOverrun_A, !rd_issue || !rd_valid_q || move)
  // A slot being read is never free, a slot being written never pending.
  `IFC_ASSERT(ReadSlotBusy_A, !rd_issue || !slot_free_q[rd_slot])
  `IFC_ASSERT(WriteSlotBusy_A, !(in_fire && in_active_q) || !slot_free_q[in_slot_q])
  `IFC_ASSERT(OneStart_A, $onehot0(eng_start_valid))
  `IFC_COVER(TwoEnginesBusy_C, $countones(eng_busy) >= 2)

endmodule
`default_nettype wire
