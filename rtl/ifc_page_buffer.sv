`default_nettype none
`include "ifc_assert.svh"
/// Per-plane page buffer: the NAND data latch and cache latch, read out segment by segment.
///
/// Two latch banks hold one page each (data + spare). A bank cycles
///   Free -> Sensing (tR; the NAND array writes the sensed page) -> Full -> Draining -> Free.
/// With cache_en_i = 1 the banks alternate (ping-pong): while page n drains from one bank, page n+1
/// is sensed into the other. This is exactly the NAND cache-read protocol (the data latch receives
/// the next page while the cache latch is read out); the ping-pong saves the data->cache copy. With
/// cache_en_i = 0 only bank 0 is used, so a new sense may start only when the previous page has
/// been drained (the plain page-read baseline).
///
/// Read-out order (the segment layout, docs/layout.md): for each segment s = 0..NumSegs-1, the
/// SegPayloadBytes of payload at data offset s*SegPayloadBytes, then the SegSlotBytes spare slot at
/// spare offset s*SegSlotBytes. Spare bytes past the last slot are not read out.
///
/// Handshakes
///   sense : sense_ready_o is the read credit of this plane (a latch is free). The sequencer pulses
///           sense_start_i (only while sense_ready_o) in the cycle it issues the NAND read. The array
///           then delivers exactly PageBeats beats on nand_valid_i (no ready: the latch is reserved),
///           the last with nand_last_i and the page status nand_err_i.
///   drain : out_* is a valid/ready stream, one BondBytes beat per cycle at full rate. A segment
///           starts only when seg_start_ok_i (the downstream holds a credit for a whole segment);
///           seg_start_o pulses when it does (the credit is consumed). out_valid_o never depends on
///           out_ready_i in the same cycle; the payload holds while out_valid_o && !out_ready_i.
/// Latency   : first beat of a Full page appears 1 cycle after it can start; 1 beat/cycle after that.
/// Parameters: PageDataBytes, PageSpareBytes (bytes per page), BondBytes (bytes per beat),
///             SegPayloadBytes, SegSlotBytes (bytes per segment payload / spare slot).
module ifc_page_buffer #(
  parameter int unsigned PageDataBytes   = ifc_pkg::DEF_PAGE_DATA_BYTES,
  parameter int unsigned PageSpareBytes  = ifc_pkg::DEF_PAGE_SPARE_BYTES,
  parameter int unsigned BondBytes       = ifc_pkg::DEF_BOND_BYTES,
  parameter int unsigned SegPayloadBytes = ifc_pkg::DEF_SEG_PAYLOAD_BYTES,
  parameter int unsigned SegSlotBytes    = ifc_pkg::DEF_SEG_SLOT_BYTES,
  localparam int unsigned BondW      = BondBytes * 8,
  localparam int unsigned PageBeats  = (PageDataBytes + PageSpareBytes) / BondBytes,
  localparam int unsigned DataBeats  = PageDataBytes / BondBytes,
  localparam int unsigned PayBeats   = SegPayloadBytes / BondBytes,
  localparam int unsigned SlotBeats  = SegSlotBytes / BondBytes,
  localparam int unsigned SegBeats   = PayBeats + SlotBeats,
  localparam int unsigned NumSegs    = PageDataBytes / SegPayloadBytes,
  localparam int unsigned SegW       = (NumSegs > 1) ? $clog2(NumSegs) : 1,
  localparam int unsigned BeatW      = $clog2(SegBeats + 1),
  localparam int unsigned PageBeatW  = $clog2(PageBeats + 1),
  localparam int unsigned MemDepth   = 2 * PageBeats,
  localparam int unsigned MemAddrW   = $clog2(MemDepth)
) (
  input  wire logic                          clk_i,
  input  wire logic                          rst_ni,
  input  wire logic                          cache_en_i,
  // Sense side (sequencer and NAND array)
  output      logic                          sense_ready_o,
  input  wire logic                          sense_start_i,
  input  wire logic [ifc_pkg::PAGE_TAG_W-1:0] sense_tag_i,
  input  wire logic                          nand_valid_i,
  input  wire logic [BondW-1:0]              nand_data_i,
  input  wire logic                          nand_last_i,
  input  wire logic                          nand_err_i,
  // Drain side
  input  wire logic                          seg_start_ok_i,
  output      logic                          seg_start_o,
  output      logic                          out_valid_o,
  input  wire logic                          out_ready_i,
  output      logic [BondW-1:0]              out_data_o,
  output      logic [SegW-1:0]               out_seg_o,
  output      logic                          out_slot_o,
  output      logic                          out_seg_last_o,
  output      logic                          out_page_last_o,
  output      logic [ifc_pkg::PAGE_TAG_W-1:0] out_tag_o,
  output      logic                          out_err_o,
  // Status
  output      logic [3:0]                    bank_state_o,
  output      logic                          idle_o
);

  // ---------------------------------------------------------------------------------------------
  // Bank state
  // ---------------------------------------------------------------------------------------------
  ifc_pkg::bank_state_e st0_q, st0_d, st1_q, st1_d;
  logic [ifc_pkg::PAGE_TAG_W-1:0] tag0_q, tag0_d, tag1_q, tag1_d;
  logic err0_q, err0_d, err1_q, err1_d;
  logic sense_ptr_q, sense_ptr_d;   // bank that receives the next / current sensed page
  logic drain_ptr_q, drain_ptr_d;   // bank that is drained next / now
  logic [PageBeatW-1:0] wbeat_q, wbeat_d;

  ifc_pkg::bank_state_e sense_st, drain_st;
  assign sense_st = sense_ptr_q ? st1_q : st0_q;
  assign drain_st = drain_ptr_q ? st1_q : st0_q;

  // ---------------------------------------------------------------------------------------------
  // Drain counters and output register
  // ---------------------------------------------------------------------------------------------
  logic [SegW-1:0]  seg_q, seg_d;
  logic [BeatW-1:0] beat_q, beat_d;
  logic             out_valid_q, out_valid_d;
  logic [SegW-1:0]  out_seg_q, out_seg_d;
  logic             out_slot_q, out_slot_d, out_seg_last_q, out_seg_last_d;
  logic             out_page_last_q, out_page_last_d, out_err_q, out_err_d;
  logic [ifc_pkg::PAGE_TAG_W-1:0] out_tag_q, out_tag_d;

  logic             can_adv, drain_avail, at_seg_start, issue;
  logic             is_slot, seg_last_beat, page_last_beat;
  logic [MemAddrW-1:0] raddr, waddr, rbase, wbase;
  logic [BeatW-1:0]    slot_beat;

  assign can_adv       = !out_valid_q || out_ready_i;
  assign drain_avail   = (drain_st == ifc_pkg::BankFull) || (drain_st == ifc_pkg::BankDraining);
  assign at_seg_start  = (beat_q == '0);
  assign issue         = drain_avail && can_adv && (!at_seg_start || seg_start_ok_i);
  assign is_slot       = (beat_q >= BeatW'(PayBeats));
  assign seg_last_beat = (beat_q == BeatW'(SegBeats - 1));
  assign page_last_beat = seg_last_beat && (seg_q == SegW'(NumSegs - 1));
  assign seg_start_o   = issue && at_seg_start;

  assign rbase = drain_ptr_q ? MemAddrW'(PageBeats) : '0;
  assign wbase = sense_ptr_q ? MemAddrW'(PageBeats) : '0;
  assign slot_beat = beat_q - BeatW'(PayBeats);
  always_comb begin
    if (is_slot) begin
      raddr = rbase + MemAddrW'(DataBeats) + MemAddrW'(seg_q) * MemAddrW'(SlotBeats)
            + MemAddrW'(slot_beat);
    end else begin
      raddr = rbase + MemAddrW'(seg_q) * MemAddrW'(PayBeats) + MemAddrW'(beat_q);
    end
  end
  assign waddr = wbase + MemAddrW'(wbeat_q);

  // ---------------------------------------------------------------------------------------------
  // Next state
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    st0_d = st0_q;  st1_d = st1_q;
    tag0_d = tag0_q; tag1_d = tag1_q;
    err0_d = err0_q; err1_d = err1_q;
    sense_ptr_d = sense_ptr_q;
    drain_ptr_d = drain_ptr_q;
    wbeat_d = wbeat_q;
    seg_d = seg_q;
    beat_d = beat_q;
    out_valid_d = out_valid_q;
    out_seg_d = out_seg_q;
    out_slot_d = out_slot_q;
    out_seg_last_d = out_seg_last_q;
    out_page_last_d = out_page_last_q;
    out_tag_d = out_tag_q;
    out_err_d = out_err_q;

    // Sense start: reserve the free bank.
    if (sense_start_i) begin
      if (sense_ptr_q) begin st1_d = ifc_pkg::BankSensing; tag1_d = sense_tag_i; end
      else             begin st0_d = ifc_pkg::BankSensing; tag0_d = sense_tag_i; end
    end

    // Sensed data arrives.
    if (nand_valid_i) begin
      wbeat_d = wbeat_q + 1'b1;
      if (nand_last_i) begin
        wbeat_d = '0;
        if (sense_ptr_q) begin st1_d = ifc_pkg::BankFull; err1_d = nand_err_i; end
        else             begin st0_d = ifc_pkg::BankFull; err0_d = nand_err_i; end
        sense_ptr_d = cache_en_i ? !sense_ptr_q : 1'b0;
      end
    end

    // Output register.
    if (out_valid_q && out_ready_i) out_valid_d = 1'b0;
    if (issue) begin
      out_valid_d     = 1'b1;
      out_seg_d       = seg_q;
      out_slot_d      = is_slot;
      out_seg_last_d  = seg_last_beat;
      out_page_last_d = page_last_beat;
      out_tag_d       = drain_ptr_q ? tag1_q : tag0_q;
      out_err_d       = drain_ptr_q ? err1_q : err0_q;
      if (drain_ptr_q) st1_d = ifc_pkg::BankDraining;
      else             st0_d = ifc_pkg::BankDraining;
      beat_d = beat_q + 1'b1;
      if (seg_last_beat) begin
        beat_d = '0;
        seg_d  = seg_q + 1'b1;
      end
      if (page_last_beat) begin
        seg_d = '0;
        if (drain_ptr_q) st1_d = ifc_pkg::BankFree;
        else             st0_d = ifc_pkg::BankFree;
        drain_ptr_d = cache_en_i ? !drain_ptr_q : 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st0_q       <= ifc_pkg::BankFree;
      st1_q       <= ifc_pkg::BankFree;
      sense_ptr_q <= 1'b0;
      drain_ptr_q <= 1'b0;
      wbeat_q     <= '0;
      seg_q       <= '0;
      beat_q      <= '0;
      out_valid_q <= 1'b0;
    end else begin
      st0_q       <= st0_d;
      st1_q       <= st1_d;
      sense_ptr_q <= sense_ptr_d;
      drain_ptr_q <= drain_ptr_d;
      wbeat_q     <= wbeat_d;
      seg_q       <= seg_d;
      beat_q      <= beat_d;
      out_valid_q <= out_valid_d;
    end
  end

  // Payload registers: no reset.
  always_ff @(posedge clk_i) begin
    tag0_q          <= tag0_d;
    tag1_q          <= tag1_d;
    err0_q          <= err0_d;
    err1_q          <= err1_d;
    out_seg_q       <= out_seg_d;
    out_slot_q      <= out_slot_d;
    out_seg_last_q  <= out_seg_last_d;
    out_page_last_q <= out_page_last_d;
    out_tag_q       <= out_tag_d;
    out_err_q       <= out_err_d;
  end

  // ---------------------------------------------------------------------------------------------
  // Latch storage (both banks in one macro)
  // ---------------------------------------------------------------------------------------------
  ifc_sram_1r1w #(
    .Width(BondW),
    .Depth(MemDepth)
  ) u_latch (
    .clk_i  (clk_i),
    .we_i   (nand_valid_i),
    .waddr_i(waddr),
    .wdata_i(nand_data_i),
    .re_i   (issue),
    .raddr_i(raddr),
    .rdata_o(out_data_o)
  );

  assign sense_ready_o   = (sense_st == ifc_pkg::BankFree);
  assign out_valid_o     = out_valid_q;
  assign out_seg_o       = out_seg_q;
  assign out_slot_o      = out_slot_q;
  assign out_seg_last_o  = out_seg_last_q;
  assign out_page_last_o = out_page_last_q;
  assign out_tag_o       = out_tag_q;
  assign out_err_o       = out_err_q;
  assign bank_state_o    = {st1_q, st0_q};
  assign idle_o          = (st0_q == ifc_pkg::BankFree) && (st1_q == ifc_pkg::BankFree) && !out_valid_q;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  `IFC_ASSERT_INIT(PageDivisible_A, (PageDataBytes % SegPayloadBytes) == 0)
  `IFC_ASSERT_INIT(BeatDivisible_A, ((SegPayloadBytes % BondBytes) == 0) && ((SegSlotBytes % BondBytes) == 0)
                                    && ((PageSpareBytes % BondBytes) == 0))
  `IFC_ASSERT_INIT(SlotsFit_A, NumSegs * SegSlotBytes <= PageSpareBytes)
  `IFC_ASSERT(SenseStartOnFree_A, sense_start_i |-> sense_ready_o)
  `IFC_ASSERT(NandOnlyWhenSensing_A, nand_valid_i |-> (sense_st == ifc_pkg::BankSensing))
  `IFC_ASSERT(NandLastOnLastBeat_A, nand_valid_i |-> (nand_last_i == (wbeat_q == PageBeatW'(PageBeats - 1))))
  `IFC_ASSERT(NoSenseWhileSensing_A, sense_start_i |-> !(st0_q == ifc_pkg::BankSensing || st1_q == ifc_pkg::BankSensing))
  `IFC_ASSERT_STABLE(OutStable_A, out_valid_o, out_ready_i,
                     {out_data_o, out_seg_o, out_slot_o, out_seg_last_o, out_page_last_o, out_tag_o, out_err_o})
  `IFC_ASSERT_KNOWN(OutValidKnown_A, out_valid_o)
  `IFC_ASSERT_KNOWN(SenseReadyKnown_A, sense_ready_o)
  `IFC_COVER(CacheOverlap_C, (st0_q == ifc_pkg::BankDraining && st1_q == ifc_pkg::BankSensing) ||
                             (st1_q == ifc_pkg::BankDraining && st0_q == ifc_pkg::BankSensing))

endmodule
`default_nettype wire
