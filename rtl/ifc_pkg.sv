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

  // Host command opcodes (cmd_data_i[7:0]) and datatypes (docs/core.md, docs/host_interface.md).
  localparam logic [7:0] OP_GEMV     = 8'h01;
  localparam logic [7:0] OP_LOAD_ACT = 8'h02;
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

  // Core control state (shown by name in GTKWave).
  typedef enum logic [2:0] {
    CoreIdle    = 3'd0,
    CoreAct     = 3'd1,  // receiving activation beats
    CoreActPad  = 3'd2,  // zero-filling the activation tail
    CoreActSkip = 3'd3,  // discarding a malformed activation stream up to its last beat
    CoreGemv    = 3'd4,  // GEMV running
    CoreStatus  = 3'd5   // emitting the status word
  } core_state_e;

  // Page-buffer bank (latch) state.
  typedef enum logic [1:0] {
    BankFree     = 2'd0,  // empty: may receive a sensed page
    BankSensing  = 2'd1,  // the NAND array is sensing into it (tR in progress)
    BankFull     = 2'd2,  // holds a sensed page, waiting to be drained (the cache latch)
    BankDraining = 2'd3   // being read out segment by segment
  } bank_state_e;

endpackage
`default_nettype wire
