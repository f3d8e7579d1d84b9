`default_nettype none
/// openifc package: constants shared by every RTL block.
///
/// The default values match configs/core/default.json; the build elaborates the tops with the
/// values of the selected core configuration (module parameters), so these constants are only the
/// defaults and the fixed encodings.
package ifc_pkg;

  // Address widths (fixed encodings of the NAND command bus).
  localparam int unsigned NAND_PAGE_W = 32;  // linear page index within a plane
  localparam int unsigned PAGE_TAG_W  = 32;  // tag carried with every sensed page

  // Defaults (configs/core/default.json).
  localparam int unsigned DEF_PLANES            = 4;
  localparam int unsigned DEF_PAGE_DATA_BYTES   = 16384;
  localparam int unsigned DEF_PAGE_SPARE_BYTES  = 1664;
  localparam int unsigned DEF_BOND_BYTES        = 8;
  localparam int unsigned DEF_SEG_PAYLOAD_BYTES = 256;
  localparam int unsigned DEF_SEG_SLOT_BYTES    = 16;
  localparam int unsigned DEF_SEG_CREDITS       = 4;
  localparam int unsigned DEF_KV_GROUPS         = 2;   // KV write-buffer group slots (K + V stripe each)
  localparam int unsigned DEF_KV_MAX_RUNS       = 16;  // mapping-table entries per (slot, K|V) stream

  // Host command opcodes (cmd_data_i[7:0]) and datatypes (docs/core.md, docs/host_interface.md).
  localparam logic [7:0] OP_GEMV     = 8'h01;
  localparam logic [7:0] OP_LOAD_ACT = 8'h02;
  localparam logic [7:0] OP_KV_APPEND = 8'h03;  // one token's K and V rows of a group slot (docs/kvnand.md)
  localparam logic [7:0] OP_ATTN     = 8'h04;  // attention of one group slot: q.K^T, softmax, p.V (docs/kvnand.md)
  localparam logic [7:0] OP_ATTN_MULTI = 8'h05; // attention of several group slots in one command, phases overlapped
  localparam logic [1:0] DT_INT8 = 2'd0;
  localparam logic [1:0] DT_BF16 = 2'd1;
  localparam logic [1:0] DT_INT4 = 2'd2;

  // Error codes returned in the status word of every command.
  localparam logic [7:0] ERR_OK           = 8'd0;
  localparam logic [7:0] ERR_OPCODE       = 8'd1;  // unknown opcode
  localparam logic [7:0] ERR_DTYPE        = 8'd2;  // datatype not INT8 / BF16 / INT4 (BF16 / INT8 for activations)
  localparam logic [7:0] ERR_SHAPE        = 8'd3;  // rows or K zero or out of range
  localparam logic [7:0] ERR_ADDRESS      = 8'd4;  // the weights would run past the array
  localparam logic [7:0] ERR_ACT_MISMATCH = 8'd5;  // GEMV K / dtype differ from the loaded activation
  localparam logic [7:0] ERR_ACT_LENGTH   = 8'd6;  // the act stream ended early or ran long
  localparam logic [7:0] ERR_WATCHDOG     = 8'd7;  // a GEMV made no progress for the watchdog timeout (NAND hung)
  localparam logic [7:0] ERR_ATTN_MASK    = 8'd8;  // ATTN_MULTI group mask empty or naming a slot >= KvGroups
  localparam logic [7:0] ERR_ATTN_QLEN    = 8'd9;  // ATTN_MULTI: the loaded q is not the BF16 concatenation (K = sum of D)
  localparam logic [7:0] ERR_KV_TOKEN     = 8'd10; // KV_APPEND token is not the stream's next (nor 0) or D changed
  localparam logic [7:0] ERR_KV_FULL      = 8'd11; // mapping table or KV region exhausted
  localparam logic [7:0] ERR_KV_GROUP     = 8'd12; // KV group slot out of range
  localparam logic [7:0] ERR_ATTN_GROUP   = 8'd13; // ATTN group slot out of range or holding no sequence
  localparam logic [7:0] ERR_ATTN_TOKENS  = 8'd14; // ATTN tokens zero or more than the slot's sequence holds
  localparam logic [7:0] ERR_ATTN_LIMIT   = 8'd15; // ATTN tokens past the softmax buffer or D past the p.V accumulator

  // Core control state (shown by name in GTKWave).
  typedef enum logic [3:0] {
    CoreIdle    = 4'd0,
    CoreAct     = 4'd1,  // receiving activation beats
    CoreActPad  = 4'd2,  // zero-filling the activation tail
    CoreActSkip = 4'd3,  // discarding a malformed activation stream up to its last beat
    CoreGemv    = 4'd4,  // GEMV running
    CoreStatus  = 4'd5,  // emitting the status word
    CoreKv      = 4'd6,  // KV_APPEND: receiving K/V rows, programming full stripes
    CoreAttnK   = 4'd7,  // ATTN: q.K^T over the K stripes (GEMV path), scores into the softmax
    CoreAttnV   = 4'd8,  // ATTN: V stripes through the reorder buffer into p.V, the output on res
    CoreAttnChk = 4'd9   // ATTN_MULTI: checking the group slots of the mask, one a cycle
  } core_state_e;

  // Page-buffer bank (latch) state.
  typedef enum logic [1:0] {
    BankFree     = 2'd0,  // empty: may receive a sensed page
    BankSensing  = 2'd1,  // the NAND array is sensing into it (tR in progress)
    BankFull     = 2'd2,  // holds a sensed page, waiting to be drained (the cache latch)
    BankDraining = 2'd3   // being read out segment by segment
  } bank_state_e;

  // One byte of CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), LSB first. Linear in
  // (crc, data): no init or final XOR here.
  function automatic logic [31:0] crc32c_byte(input logic [31:0] crc, input logic [7:0] data);
    logic [31:0] c;
    c = crc;
    for (int i = 0; i < 8; i++) c = (c >> 1) ^ (((c[0] ^ data[i]) == 1'b1) ? 32'h82F6_3B78 : 32'h0);
    crc32c_byte = c;
  endfunction

  // bf16 x bf16 -> FP32 (bf16_mul_fp32 below) from the exact product of the two significands,
  // prod = 1.a[6:0] x 1.b[6:0] (16 bits, in [2^14, 2^16)): for a datapath that shares its
  // multiplier (ifc_pe_lane).
  function automatic logic [31:0] bf16_product_fp32(input logic [15:0] a, input logic [15:0] b,
                                                    input logic [15:0] prod);
    logic              s, az, bz, ai, bi, an, bn;
    logic signed [9:0] ex;
    s  = a[15] ^ b[15];
    az = (a[14:7] == 8'd0);
    bz = (b[14:7] == 8'd0);
    ai = (a[14:7] == 8'hFF) && (a[6:0] == 7'd0);
    bi = (b[14:7] == 8'hFF) && (b[6:0] == 7'd0);
    an = (a[14:7] == 8'hFF) && (a[6:0] != 7'd0);
    bn = (b[14:7] == 8'hFF) && (b[6:0] != 7'd0);
    ex = signed'({2'b00, a[14:7]}) + signed'({2'b00, b[14:7]}) - 10'sd127 + signed'({9'd0, prod[15]});
    if (an || bn || (ai && bz) || (bi && az)) bf16_product_fp32 = 32'h7FC0_0000;
    else if (ai || bi)                        bf16_product_fp32 = {s, 8'hFF, 23'd0};
    else if (az || bz)                        bf16_product_fp32 = {s, 31'd0};
    else if (ex >= 10'sd255)                  bf16_product_fp32 = {s, 8'hFF, 23'd0};
    else if (ex <= 10'sd0)                    bf16_product_fp32 = {s, 31'd0};
    else if (prod[15])                        bf16_product_fp32 = {s, ex[7:0], prod[14:0], 8'd0};
    else                                      bf16_product_fp32 = {s, ex[7:0], prod[13:0], 9'd0};
  endfunction

  // bf16 x bf16 -> FP32, exact (8 x 8-bit significand product); subnormal inputs and results flush
  // to zero (sign kept), NaN or inf x 0 -> 0x7FC00000 (DESIGN.md numerics; model::bf16_mul_fp32).
  function automatic logic [31:0] bf16_mul_fp32(input logic [15:0] a, input logic [15:0] b);
    bf16_mul_fp32 = bf16_product_fp32(a, b, {8'd0, 1'b1, a[6:0]} * {8'd0, 1'b1, b[6:0]});
  endfunction

endpackage
`default_nettype wire
