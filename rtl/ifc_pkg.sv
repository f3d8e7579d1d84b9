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

  // Page-buffer bank (latch) state.
  typedef enum logic [1:0] {
    BankFree     = 2'd0,  // empty: may receive a sensed page
    BankSensing  = 2'd1,  // the NAND array is sensing into it (tR in progress)
    BankFull     = 2'd2,  // holds a sensed page, waiting to be drained (the cache latch)
    BankDraining = 2'd3   // being read out segment by segment
  } bank_state_e;

endpackage
`default_nettype wire
