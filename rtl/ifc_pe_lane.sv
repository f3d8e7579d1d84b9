`default_nettype none
`include "ifc_assert.svh"
/// PE lane: the dot product of one weight segment with its K-slice of the activation vector
/// (docs/core.md "ifc_pe_lane + ifc_act_buffer"; numerics: DESIGN.md "Numerics").
///
/// A segment is a descriptor {tag, dtype, first activation element} followed by its payload beats
/// (BondBytes each, the last with beat_last_i). Every lane cycle takes Macs weight elements
/// (2*Macs for INT4) of the current beat, in element order, with the matching activations of the
/// lane's own activation buffer, and
///   INT8 : sum of Macs int8 x int8 products (int32, wraps)
///   INT4 : sum of 2*Macs int4 x int8 products (weights: low nibble first; int32, wraps)
///   BF16 : Macs exact bf16 x bf16 products in FP32, pairwise tree of ifc_fp32_add:
///          level 0 (p0+p1), (p2+p3), ...; level 1 adjacent level-0 sums; ...
/// then acc = (first cycle ? +0.0 : acc) + tree (ifc_fp32_add for BF16, int32 add otherwise).
/// The result {tag, psum} (int32 bits or FP32 bits) follows the segment's last lane cycle.
/// INT8 / INT4 activations are the low byte of the 16-bit buffer element (as int8).
///
/// Lane cycles per beat: INT8 and INT4 BondBytes/Macs, BF16 BondBytes/(2*Macs)
/// (8 B beats, Macs = 4: INT8 2, INT4 2, BF16 1; a 256 B segment takes 64 / 64 / 32 cycles).
///
/// Pipeline (one lane cycle enters per clock; all stages hold together on a stall):
///   issue : needs an accepted descriptor and beat_valid_i. Selects the cycle's weights from the
///           beat (the beat is held by valid/ready and taken, beat_ready_o, in its last lane
///           cycle), reads the activation word (act_re_o, act_addr_o).
///   s2    : act_rdata_i arrives; multipliers (shared signed 9x9 for INT8 / BF16 significands /
///           INT4 low nibbles, 4x9 for INT4 high nibbles), bf16 exponent/special logic, level 0 of
///           the FP32 tree (the Macs/2 sums of product pairs), the integer tree.
///   t     : the FP32 tree's upper levels (1 .. log2(Macs)-1; for Macs = 4 the root alone) on the
///           registered level-0 sums. The register between the tree levels keeps one FP32 adder
///           per stage on the critical path (multiplier + adder in s2, adder in t, adder in s3;
///           docs/area.md "Timing"); the summation order is unchanged.
///   s3    : accumulate; the segment's last cycle writes the result register.
///   res   : res_valid_o / res_tag_o / res_psum_o.
///   Stall: s3 holds a last cycle while the result register is still full (registered condition,
///   so there is no combinational path from res_ready_i to beat_ready_o / seg_ready_o). While
///   stalled nothing issues, so act_rdata_i (ifc_sram_1r1w: holds until the next read) stays valid.
///
/// Handshakes (valid/ready; a transfer is valid && ready)
///   seg_*  : seg_ready_o = no segment in progress, or the current segment's last beat is taken in
///            this cycle (so the next descriptor is accepted with the previous last beat).
///   beat_* : beat_ready_o only in the last lane cycle of a beat; the lane reads the payload of a
///            waiting beat before taking it (allowed: the payload is stable while valid && !ready).
///            Beats of a segment are accepted only after its descriptor.
///   res_*  : res_valid_o is a register; payload stable while res_valid_o && !res_ready_i.
///   act_*  : act_re_o / act_addr_o -> act_rdata_i one cycle later (ifc_act_buffer read port).
/// Latency   : the descriptor's first lane cycle issues 1 cycle after the descriptor is taken (or
///             in the cycle after the previous segment's last beat, when taken together with it);
///             res_valid_o rises 4 cycles after the cycle the last beat is taken.
/// Throughput: Macs elements per cycle (2*Macs for INT4), no bubbles at full rate, also across
///             back-to-back segments; one result per segment.
/// Parameters: BondBytes (bytes per beat), Macs (MACs per cycle; a power of two, 2*Macs divides
///             BondBytes), TagW (tag bits), MaxK (activation elements of the buffer, multiple of
///             2*Macs; ActAW = clog2(MaxK / (2*Macs))), SegPayloadBytes (payload bytes per segment;
///             used only by the beat-count assertion).
module ifc_pe_lane #(
  parameter int unsigned BondBytes       = ifc_pkg::DEF_BOND_BYTES,
  parameter int unsigned Macs            = 4,
  parameter int unsigned TagW            = 32,
  parameter int unsigned MaxK            = 32768,
  parameter int unsigned SegPayloadBytes = ifc_pkg::DEF_SEG_PAYLOAD_BYTES,
  localparam int unsigned BondW     = BondBytes * 8,
  localparam int unsigned ActWords  = MaxK / (2 * Macs),
  localparam int unsigned ActAW     = (ActWords > 1) ? $clog2(ActWords) : 1,
  localparam int unsigned ActW      = 2 * Macs * 16,
  localparam int unsigned WordElemW = $clog2(2 * Macs),       // element-in-word bits
  localparam int unsigned ElemW     = ActAW + WordElemW + 1,  // element index + overflow bit
  localparam int unsigned SubInt    = BondBytes / Macs,       // lane cycles per beat: INT8, INT4
  localparam int unsigned SubBf16   = BondBytes / (2 * Macs), // lane cycles per beat: BF16
  localparam int unsigned SubW      = (SubInt > 1) ? $clog2(SubInt) : 1,
  localparam int unsigned WW        = Macs * 16,              // weight bits of one lane cycle
  localparam int unsigned ISumW     = 18 + $clog2(2 * Macs),  // integer tree width (exact)
  localparam int unsigned PayBeats  = SegPayloadBytes / BondBytes,
  // FP32 tree nodes registered between s2 and t (heap order, see fp_node): level 0, the parents of
  // the leaves (Macs = 1: the single product).
  localparam int unsigned CutLo     = (Macs > 1) ? Macs / 2 - 1 : 0,
  localparam int unsigned CutN      = (Macs > 1) ? Macs / 2 : 1
) (
  input  wire logic             clk_i,
  input  wire logic             rst_ni,
  // segment descriptor
  input  wire logic             seg_valid_i,
  output      logic             seg_ready_o,
  input  wire logic [TagW-1:0]  seg_tag_i,
  input  wire logic [1:0]       seg_dtype_i,
  input  wire logic [31:0]      seg_act_elem_i,
  // weight beats (payload only)
  input  wire logic             beat_valid_i,
  output      logic             beat_ready_o,
  input  wire logic [BondW-1:0] beat_data_i,
  input  wire logic             beat_last_i,
  // activation buffer read port
  output      logic             act_re_o,
  output      logic [ActAW-1:0] act_addr_o,
  input  wire logic [ActW-1:0]  act_rdata_i,
  // result
  output      logic             res_valid_o,
  input  wire logic             res_ready_i,
  output      logic [TagW-1:0]  res_tag_o,
  output      logic [31:0]      res_psum_o
);
  // ---- segment context and issue ----------------------------------------------------------------
  logic             ctx_valid_q, ctx_valid_d;
  logic             ctx_first_q, ctx_first_d;
  logic [SubW-1:0]  sub_q, sub_d;
  logic [TagW-1:0]  ctx_tag_q;
  logic [1:0]       ctx_dtype_q;
  logic [ElemW-1:0] ctx_elem_q, ctx_elem_d;

  logic stall, issue, sub_last, seg_done, seg_fire;
  logic ctx_bf16, ctx_int4;

  assign ctx_bf16 = (ctx_dtype_q == ifc_pkg::DT_BF16);
  assign ctx_int4 = (ctx_dtype_q == ifc_pkg::DT_INT4);
  assign sub_last = ctx_bf16 ? (sub_q == SubW'(SubBf16 - 1)) : (sub_q == SubW'(SubInt - 1));
  assign issue    = ctx_valid_q && beat_valid_i && !stall;
  assign seg_done = issue && sub_last && beat_last_i;
  assign seg_ready_o  = !ctx_valid_q || seg_done;
  assign seg_fire     = seg_valid_i && seg_ready_o;
  assign beat_ready_o = issue && sub_last;

  assign act_re_o   = issue;
  assign act_addr_o = ctx_elem_q[WordElemW +: ActAW];

  always_comb begin
    ctx_valid_d = ctx_valid_q;
    ctx_first_d = ctx_first_q;
    sub_d       = sub_q;
    ctx_elem_d  = ctx_elem_q;
    if (issue) begin
      ctx_first_d = 1'b0;
      sub_d       = sub_last ? '0 : sub_q + 1'b1;
      ctx_elem_d  = ctx_elem_q + (ctx_int4 ? ElemW'(2 * Macs) : ElemW'(Macs));
      if (seg_done) ctx_valid_d = 1'b0;
    end
    if (seg_fire) begin
      ctx_valid_d = 1'b1;
      ctx_first_d = 1'b1;
      sub_d       = '0;
      ctx_elem_d  = seg_act_elem_i[ElemW-1:0];
    end
  end

  // The lane cycle's weights: Macs bf16 (BF16) or Macs bytes (INT8: Macs elements; INT4: 2*Macs).
  logic [WW-1:0] w_sel;
  always_comb begin
    w_sel = '0;
    if (!issue) begin
      w_sel = '0;  // only an issuing cycle registers w_sel (operand isolation)
    end else if (ctx_bf16) begin
      for (int k = 0; k < SubBf16; k++) begin
        if (sub_q == SubW'(k)) w_sel = beat_data_i[k*WW +: WW];
      end
    end else begin
      for (int k = 0; k < SubInt; k++) begin
        if (sub_q == SubW'(k)) w_sel = {{(WW - Macs * 8){1'b0}}, beat_data_i[k*Macs*8 +: Macs*8]};
      end
    end
  end

  // ---- stage s2: multiply and tree ---------------------------------------------------------------
  logic            s2_valid_q, s2_valid_d;
  logic [1:0]      s2_dtype_q;
  logic [WW-1:0]   s2_w_q;
  logic            s2_half_q, s2_first_q, s2_last_q;
  logic [TagW-1:0] s2_tag_q;

  assign s2_valid_d = stall ? s2_valid_q : issue;

  logic s2_bf16, s2_int4;
  assign s2_bf16 = (s2_dtype_q == ifc_pkg::DT_BF16);
  assign s2_int4 = (s2_dtype_q == ifc_pkg::DT_INT4);

  logic [Macs*ISumW-1:0]       mac_isum;   // per-MAC integer contribution
  logic [(2*Macs-1)*32-1:0]    fp_node;    // BF16 tree, heap order: leaf i at Macs-1+i, root at 0

  // Operand isolation: the multipliers, the bf16 product logic and the integer tree switch only in
  // a valid s2 cycle, and only the half of the datapath its dtype uses (BF16: products + FP32 tree;
  // INT8 / INT4: integer products + integer tree); the FP32 adders have their enable. In silicon
  // this keeps idle logic from toggling; in Verilator the skipped branches cost nothing, which is
  // most of the lane's simulation time (the FP32 adders evaluated every cycle were ~20% of it).
  logic s2_fp_en, s2_int_en;
  assign s2_fp_en  = s2_valid_q && s2_bf16;
  assign s2_int_en = s2_valid_q && !s2_bf16;

  for (genvar i = 0; i < Macs; i++) begin : g_mac
    logic [15:0] w16, x16;     // BF16 weight and activation (also INT8: low bytes)
    logic [7:0]  w8;           // INT8 weight byte / INT4 weight byte (two nibbles)
    logic [7:0]  xlo, xhi;     // INT4 activations 2i, 2i+1
    logic signed [8:0]  ma, mb;
    logic signed [17:0] prod;
    logic signed [3:0]  nh;
    logic signed [8:0]  xh;
    logic signed [12:0] prod_hi;
    logic [31:0] pfp;          // bf16 product in FP32
    logic [ISumW-1:0] isum_i;

    assign w16 = s2_w_q[i*16 +: 16];
    assign w8  = s2_w_q[i*8 +: 8];
    assign x16 = s2_half_q ? act_rdata_i[(Macs+i)*16 +: 16] : act_rdata_i[i*16 +: 16];
    assign xlo = act_rdata_i[(2*i)*16 +: 8];
    assign xhi = act_rdata_i[(2*i+1)*16 +: 8];

    always_comb begin
      ma = '0; mb = '0; prod = '0; nh = '0; xh = '0; prod_hi = '0; isum_i = '0; pfp = '0;
      if (s2_valid_q) begin
        // Shared signed 9x9 multiplier.
        if (s2_bf16) begin
          ma = {2'b01, w16[6:0]};
          mb = {2'b01, x16[6:0]};
        end else if (s2_int4) begin
          ma = {{5{w8[3]}}, w8[3:0]};
          mb = {xlo[7], xlo};
        end else begin
          ma = {w8[7], w8};
          mb = {x16[7], x16[7:0]};
        end
        prod = ma * mb;
        if (s2_bf16) begin
          // bf16 x bf16 -> FP32 from the exact significand product prod[15:0] in [2^14, 2^16)
          // (the shared multiplier; ifc_pkg::bf16_mul_fp32 is the same with its own).
          pfp = ifc_pkg::bf16_product_fp32(w16, x16, prod[15:0]);
        end else begin
          isum_i = {{(ISumW - 18){prod[17]}}, prod};
          if (s2_int4) begin
            // INT4 high nibble x activation 2i+1.
            nh      = w8[7:4];
            xh      = {xhi[7], xhi};
            prod_hi = nh * xh;
            isum_i  = isum_i + {{(ISumW - 13){prod_hi[12]}}, prod_hi};
          end
        end
      end
    end
    assign mac_isum[i*ISumW +: ISumW] = isum_i;
    assign fp_node[(Macs-1+i)*32 +: 32] = pfp;
  end

  // Pairwise FP32 tree: node n = node 2n+1 + node 2n+2 (level by level, left to right). Level 0
  // (nodes CutLo .. Macs-2) in s2; the nodes above it (0 .. CutLo-1) in stage t, on t_node_q.
  for (genvar n = CutLo; n < Macs - 1; n++) begin : g_tree
    ifc_fp32_add u_add (
      .en_i (s2_fp_en),
      .a_i  (fp_node[(2*n+1)*32 +: 32]),
      .b_i  (fp_node[(2*n+2)*32 +: 32]),
      .sum_o(fp_node[n*32 +: 32])
    );
  end
  if (CutLo > 0) begin : g_unused_top
    // Nodes 0 .. CutLo-1 of fp_node are computed in stage t (t_node), not here.
    logic unused_fp_top;
    assign fp_node[CutLo*32-1:0] = '0;
    assign unused_fp_top = ^fp_node[CutLo*32-1:0];
  end

  logic [ISumW-1:0] isum;
  always_comb begin
    isum = '0;
    if (s2_int_en) begin
      for (int i = 0; i < Macs; i++) isum = isum + mac_isum[i*ISumW +: ISumW];
    end
  end

  // ---- stage t: upper FP32 tree levels -----------------------------------------------------------
  logic                  t_valid_q, t_valid_d;
  logic                  t_bf16_q, t_first_q, t_last_q;
  logic [CutN*32-1:0]    t_cut_q;      // the level-0 sums (nodes CutLo .. CutLo+CutN-1)
  logic [ISumW-1:0]      t_isum_q;
  logic [TagW-1:0]       t_tag_q;
  logic [(CutLo+CutN)*32-1:0] t_node;  // heap order, as fp_node
  logic                  t_fp_en;

  assign t_valid_d = stall ? t_valid_q : s2_valid_q;
  assign t_fp_en   = t_valid_q && t_bf16_q;
  assign t_node[CutLo*32 +: CutN*32] = t_cut_q;
  for (genvar n = 0; n < CutLo; n++) begin : g_tree_t
    ifc_fp32_add u_add (
      .en_i (t_fp_en),
      .a_i  (t_node[(2*n+1)*32 +: 32]),
      .b_i  (t_node[(2*n+2)*32 +: 32]),
      .sum_o(t_node[n*32 +: 32])
    );
  end

  // Macs <= 2 has no adder in t (Macs = 1 none in s2 either).
  logic unused_fp_en;
  assign unused_fp_en = s2_fp_en ^ t_fp_en;

  logic [31:0] tree_val;
  assign tree_val = t_bf16_q ? t_node[31:0] : {{(32 - ISumW){t_isum_q[ISumW-1]}}, t_isum_q};

  // ---- stage s3: accumulate ----------------------------------------------------------------------
  logic            s3_valid_q, s3_valid_d;
  logic            s3_bf16_q, s3_first_q, s3_last_q;
  logic [31:0]     s3_val_q;
  logic [TagW-1:0] s3_tag_q;
  logic [31:0]     acc_q, acc_in, acc_fp, acc_new;

  assign s3_valid_d = stall ? s3_valid_q : t_valid_q;
  assign stall      = s3_valid_q && s3_last_q && res_valid_q;

  assign acc_in = s3_first_q ? 32'd0 : acc_q;
  ifc_fp32_add u_acc (
    .en_i (s3_valid_q && s3_bf16_q),
    .a_i  (acc_in),
    .b_i  (s3_val_q),
    .sum_o(acc_fp)
  );
  assign acc_new = s3_bf16_q ? acc_fp : (acc_in + s3_val_q);

  // ---- result register --------------------------------------------------------------------------
  logic            res_valid_q, res_valid_d;
  logic [TagW-1:0] res_tag_q;
  logic [31:0]     res_psum_q;
  logic            retire, retire_last;

  assign retire      = s3_valid_q && !stall;
  assign retire_last = retire && s3_last_q;

  always_comb begin
    res_valid_d = res_valid_q;
    if (res_valid_q && res_ready_i) res_valid_d = 1'b0;
    if (retire_last) res_valid_d = 1'b1;
  end

  // ---- registers --------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ctx_valid_q <= 1'b0;
      ctx_first_q <= 1'b0;
      sub_q       <= '0;
      s2_valid_q  <= 1'b0;
      t_valid_q   <= 1'b0;
      s3_valid_q  <= 1'b0;
      res_valid_q <= 1'b0;
    end else begin
      ctx_valid_q <= ctx_valid_d;
      ctx_first_q <= ctx_first_d;
      sub_q       <= sub_d;
      s2_valid_q  <= s2_valid_d;
      t_valid_q   <= t_valid_d;
      s3_valid_q  <= s3_valid_d;
      res_valid_q <= res_valid_d;
    end
  end

  // Data registers (no reset).
  always_ff @(posedge clk_i) begin
    ctx_elem_q <= ctx_elem_d;
    if (seg_fire) begin
      ctx_tag_q   <= seg_tag_i;
      ctx_dtype_q <= seg_dtype_i;
    end
    if (issue) begin
      s2_dtype_q <= ctx_dtype_q;
      s2_w_q     <= w_sel;
      s2_half_q  <= ctx_elem_q[WordElemW-1];
      s2_first_q <= ctx_first_q;
      s2_last_q  <= sub_last && beat_last_i;
      s2_tag_q   <= ctx_tag_q;
    end
    if (s2_valid_q && !stall) begin
      t_bf16_q  <= s2_bf16;
      t_cut_q   <= fp_node[CutLo*32 +: CutN*32];
      t_isum_q  <= isum;
      t_first_q <= s2_first_q;
      t_last_q  <= s2_last_q;
      t_tag_q   <= s2_tag_q;
    end
    if (t_valid_q && !stall) begin
      s3_bf16_q  <= t_bf16_q;
      s3_val_q   <= tree_val;
      s3_first_q <= t_first_q;
      s3_last_q  <= t_last_q;
      s3_tag_q   <= t_tag_q;
    end
    if (retire) acc_q <= acc_new;
    if (retire_last) begin
      res_tag_q  <= s3_tag_q;
      res_psum_q <= acc_new;
    end
  end

  assign res_valid_o = res_valid_q;
  assign res_tag_o   = res_tag_q;
  assign res_psum_o  = res_psum_q;

  // Assertions
  `IFC_ASSERT_INIT(MacsPow2_A, (Macs >= 1) && ((Macs & (Macs - 1)) == 0))
  `IFC_ASSERT_INIT(BondFitsMacs_A, (BondBytes % (2 * Macs)) == 0)
  `IFC_ASSERT_INIT(MaxKWords_A, (MaxK % (2 * Macs) == 0) && (ActWords >= 1))
  `IFC_ASSERT_INIT(SegBeats_A, (SegPayloadBytes % BondBytes == 0) && (PayBeats >= 1))
  `IFC_ASSERT_KNOWN(SegValidKnown_A, seg_valid_i)
  `IFC_ASSERT_KNOWN(BeatValidKnown_A, beat_valid_i)
  `IFC_ASSERT_KNOWN(ResValidKnown_A, res_valid_o)
  `IFC_ASSERT_KNOWN(ResReadyKnown_A, res_valid_o ? res_ready_i : 1'b0)
  `IFC_ASSERT_KNOWN(ActDataKnown_A, s2_valid_q ? act_rdata_i : '0)
  `IFC_ASSERT_STABLE(SegStable_A, seg_valid_i, seg_ready_o, {seg_tag_i, seg_dtype_i, seg_act_elem_i})
  `IFC_ASSERT_STABLE(BeatStable_A, beat_valid_i, beat_ready_o, {beat_data_i, beat_last_i})
  `IFC_ASSERT_STABLE(ResStable_A, res_valid_o, res_ready_i, {res_tag_o, res_psum_o})
  // dtype 3 is undefined (it would run as INT8).
  `IFC_ASSERT(SegDtypeKnown_A, seg_valid_i |-> (seg_dtype_i != 2'd3))
  // The segment's activations start on a lane-cycle boundary inside the buffer.
  `IFC_ASSERT(SegElemInRange_A, seg_valid_i |-> (seg_act_elem_i < MaxK))
  `IFC_ASSERT(SegElemAligned_A, seg_valid_i |->
              ((seg_act_elem_i % ((seg_dtype_i == ifc_pkg::DT_INT4) ? (2 * Macs) : Macs)) == 0))
  // ... and end inside it.
  `IFC_ASSERT(ActInRange_A, issue |-> (32'(ctx_elem_q) < MaxK))
  // Nothing is lost: a stall never coincides with a retiring last cycle.
  `IFC_ASSERT(NoResultOverwrite_A, retire_last |-> !res_valid_q)

`ifndef SYNTHESIS
  // Every segment has exactly PayBeats payload beats, the last flagged with beat_last_i.
  logic [31:0] beat_cnt_q, beat_cnt_d;
  always_comb begin
    beat_cnt_d = beat_cnt_q;
    if (beat_valid_i && beat_ready_o) beat_cnt_d = beat_last_i ? 32'd0 : beat_cnt_q + 32'd1;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) beat_cnt_q <= '0;
    else         beat_cnt_q <= beat_cnt_d;
  end
  `IFC_ASSERT(BeatCount_A, (beat_valid_i && beat_ready_o) |-> (beat_last_i == (beat_cnt_q == PayBeats - 1)))
`endif

endmodule
`default_nettype wire
