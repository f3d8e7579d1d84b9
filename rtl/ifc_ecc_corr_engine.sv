`default_nettype none
`include "ifc_assert.svh"
/// One BCH correction engine of the asynchronous corrector (ifc_ecc_corrector): from the checker's
/// remainder r(x) = c(x) mod g(x) of one segment to the list of erroneous stream bits.
///
/// Code and bit order (tb/model/bch.hpp is the normative reference): binary BCH over GF(2^M)
/// (primitive polynomial PrimPoly, alpha = z), designed distance 2T+1, shortened to n = CodeBits.
/// Stream bit i is the coefficient of x^(n-1-i); an error at stream bit i has the locator
/// X = alpha^(n-1-i). The remainder is ParityBits wide, bit d = coefficient of x^d.
///
/// Phases (one engine works on one segment at a time):
///   StSynd  Horner over the remainder, SyndPar bits per cycle, most significant degree first:
///           S_j <- S_j * alpha^(j*SyndPar) + sum_h r_(d0+h) alpha^(j*h), for the T odd j only
///           (S_j = r(alpha^j), because g(alpha^j) = 0). ceil(ParityBits/SyndPar) cycles.
///   StEven  S_2j = S_j^2 (binary code): every even syndrome is a Frobenius power x^(2^a) of an odd
///           one, a constant GF(2)-linear map. 1 cycle.
///   StBmD/U Inversionless Berlekamp-Massey, binary form: the iBM of Sarwate & Shanbhag (TVLSI 2001,
///           Alg. 1; the variant tb/model/bch.hpp runs for 2T steps) with its odd steps folded away.
///           For syndromes of a binary word the discrepancy of every odd step is 0 (Berlekamp), so
///           the odd step only scales lambda (dropped: the roots do not change) and shifts b once more:
///             lambda = 1, b = 1, gamma = 1, L = 0
///             for s = 0 .. T-1:                      (the iBM step r = 2s, then r = 2s+1 with delta = 0)
///               delta  = sum_{i=0..T} S_(2s+1-i) lambda_i                      [StBmD]
///               lambda = gamma*lambda + delta*x*b                              [StBmU]
///               if delta != 0 and L <= s: b = x*lambda(old), gamma = delta, L = 2s+1-L
///               else:                     b = x^2*b
///           L is the LFSR length of tb/model/bch.hpp's berlekamp_massey() (its k >= 0 test is
///           2L <= r). lambda keeps the coefficients 0..T and b 0..T-1: as long as L <= T every
///           intermediate lambda has degree <= L <= T and every b multiplied by a non-zero delta
///           has degree <= T-1, so the truncation is exact; once L > T (L never decreases) the
///           segment is uncorrectable whatever lambda holds. 2 cycles per step, 2T cycles in all,
///           with T+1 general multipliers shared between delta and gamma*lambda plus T for delta*b.
///   StChk   deg = deg(lambda). Uncorrectable when L > T or deg != L (the codec's guards; deg > T
///           implies L > T). deg = 0 (all syndromes 0): clean, no error. Otherwise the Chien terms
///           lambda_j * alpha^(-j(n-1)) are formed (same multipliers). 1 cycle.
///   StChien ChienPar positions per cycle, stream bits i = base .. base+ChienPar-1 ascending:
///           lambda(alpha^-(n-1-i)) = lambda_0 + sum_j term_j * alpha^(j*p), p = i - base
///           (constant multipliers), then term_j *= alpha^(j*ChienPar). One root is recorded per
///           cycle: a group holding k > 1 new roots is evaluated k times (k-1 stall cycles).
///           Early exit when deg roots are found; uncorrectable when the n positions are exhausted
///           with fewer roots.
///   StDone  holds the result until res_ready_i.
///
/// Handshake : start_valid_i/start_ready_o (start_ready_o = engine idle; the remainder and id are
///             taken in that cycle), res_valid_o/res_ready_i (the result holds while not taken).
/// Latency   : start -> res_valid_o = 1 + SC + 1 + 2T + 1 + C cycles, with
///             SC = ceil(ParityBits/SyndPar) and C the Chien cycles: 0 when the segment is clean or
///             uncorrectable at StChk, else ceil((i_last+1)/ChienPar) + (roots sharing a group with an
///             earlier root), i_last the largest error position; ceil(n/ChienPar) when uncorrectable
///             after the search. Throughput: one segment per (latency + 1) cycles (the result cycle).
/// Parameters: M (field GF(2^M)), T (correctable bits), ParityBits (deg g, bits), PrimPoly (M+1
///             bits, bit i = coeff of z^i), CodeBits (n, bits, <= 2^M-1), ChienPar (positions per
///             cycle), SyndPar (remainder bits per cycle), IdW (width of the opaque segment id).
module ifc_ecc_corr_engine #(
  parameter int unsigned M          = 12,
  parameter int unsigned T          = 8,
  parameter int unsigned ParityBits = 96,
  parameter logic [M:0]  PrimPoly   = 13'h1053,
  parameter int unsigned CodeBits   = 2176,
  parameter int unsigned ChienPar   = 16,
  parameter int unsigned SyndPar    = 8,
  parameter int unsigned IdW        = 2,
  localparam int unsigned PosW  = $clog2(CodeBits),
  localparam int unsigned NerrW = $clog2(T + 1)
) (
  input  wire logic                  clk_i,
  input  wire logic                  rst_ni,
  // Start: one segment's remainder
  input  wire logic                  start_valid_i,
  output      logic                  start_ready_o,
  input  wire logic [ParityBits-1:0] start_rem_i,
  input  wire logic [IdW-1:0]        start_id_i,
  // Result: error positions (stream bit indices, the first res_nerr_o entries are valid)
  output      logic                  res_valid_o,
  input  wire logic                  res_ready_i,
  output      logic [IdW-1:0]        res_id_o,
  output      logic                  res_unc_o,
  output      logic [NerrW-1:0]      res_nerr_o,
  output      logic [T*PosW-1:0]     res_pos_o,
  // Status
  output      logic                  busy_o
);

  localparam int unsigned N          = (1 << M) - 1;                       // multiplicative order
  localparam int unsigned SyndCycles = (ParityBits + SyndPar - 1) / SyndPar;
  localparam int unsigned RemPadW    = SyndCycles * SyndPar;
  localparam int unsigned QLen       = 3 * T;                               // syndrome window
  localparam int unsigned LW         = $clog2(2 * T + 1);                   // L <= 2T-1
  localparam int unsigned SW         = $clog2(T + 1);                       // BM step 0..T-1
  localparam int unsigned CyW        = $clog2(SyndCycles + 1);
  localparam int unsigned IW         = $clog2(CodeBits + ChienPar + 1);     // Chien base
  localparam int unsigned PW         = (ChienPar > 1) ? $clog2(ChienPar) : 1;

  // ---------------------------------------------------------------------------------------------
  // GF(2^M) helpers (elements: bit i = coefficient of z^i; alpha = z)
  // ---------------------------------------------------------------------------------------------
  // General multiplier a*b (shift-and-add, reduced by PrimPoly at every shift).
  function automatic logic [M-1:0] gf_mul(input logic [M-1:0] a, input logic [M-1:0] b);
    logic [M-1:0] acc, sh;
    acc = '0;
    sh  = a;
    for (int i = 0; i < M; i++) begin
      acc = acc ^ (sh & {M{b[i]}});
      sh  = {sh[M-2:0], 1'b0} ^ ({M{sh[M-1]}} & PrimPoly[M-1:0]);
    end
    gf_mul = acc;
  endfunction

  // alpha^e (constant use only).
  function automatic logic [M-1:0] gf_alpha_pow(input int unsigned e);
    logic [M-1:0] r, base;
    int unsigned  x;
    r    = M'(1);
    base = M'(2);
    x    = e % N;
    for (int i = 0; i < M; i++) begin
      if (x[i]) r = gf_mul(r, base);
      base = gf_mul(base, base);
    end
    gf_alpha_pow = r;
  endfunction

  // Columns of the GF(2)-linear map x -> alpha^e * x: column i = alpha^(e+i).
  function automatic logic [M*M-1:0] gf_cols_mul(input int unsigned e);
    logic [M*M-1:0] c;
    for (int i = 0; i < M; i++) c[i*M +: M] = gf_alpha_pow((e % N) + i);
    gf_cols_mul = c;
  endfunction

  // Columns of the GF(2)-linear map x -> x^f for f a power of two: column i = alpha^(i*f).
  function automatic logic [M*M-1:0] gf_cols_frob(input int unsigned f);
    logic [M*M-1:0] c;
    for (int i = 0; i < M; i++) c[i*M +: M] = gf_alpha_pow((i * f) % N);
    gf_cols_frob = c;
  endfunction

  // Columns of the Horner chunk map for S_j: column h = alpha^(j*h), h = 0..SyndPar-1.
  function automatic logic [SyndPar*M-1:0] gf_cols_chunk(input int unsigned j);
    logic [SyndPar*M-1:0] c;
    for (int h = 0; h < SyndPar; h++) c[h*M +: M] = gf_alpha_pow((j * h) % N);
    gf_cols_chunk = c;
  endfunction

  // Chien start constants alpha^(-i(n-1)), i = 0..T (entry i at [i*M +: M]).
  function automatic logic [(T+1)*M-1:0] gf_chien_init();
    logic [(T+1)*M-1:0] c;
    for (int i = 0; i <= T; i++) c[i*M +: M] = gf_alpha_pow((N - (i * (CodeBits - 1)) % N) % N);
    gf_chien_init = c;
  endfunction

  // y = sum_i x_i * cols_i (a constant matrix folds to an XOR network).
  function automatic logic [M-1:0] gf_lin(input logic [M-1:0] x, input logic [M*M-1:0] cols);
    logic [M-1:0] y;
    y = '0;
    for (int i = 0; i < M; i++) y = y ^ (cols[i*M +: M] & {M{x[i]}});
    gf_lin = y;
  endfunction

  function automatic logic [M-1:0] gf_lin_chunk(input logic [SyndPar-1:0] x,
                                                input logic [SyndPar*M-1:0] cols);
    logic [M-1:0] y;
    y = '0;
    for (int h = 0; h < SyndPar; h++) y = y ^ (cols[h*M +: M] & {M{x[h]}});
    gf_lin_chunk = y;
  endfunction

  // odd part of j and the power of two f with j = odd * f.
  function automatic int unsigned odd_part(input int unsigned j);
    int unsigned x;
    x = j;
    for (int i = 0; i < 32; i++) if (x != 0 && x % 2 == 0) x = x / 2;
    odd_part = x;
  endfunction

  localparam logic [(T+1)*M-1:0] ChienInit = gf_chien_init();

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  typedef enum logic [2:0] {
    StIdle  = 3'd0,
    StSynd  = 3'd1,
    StEven  = 3'd2,
    StBmD   = 3'd3,
    StBmU   = 3'd4,
    StChk   = 3'd5,
    StChien = 3'd6,
    StDone  = 3'd7
  } state_e;

  state_e st_q, st_d;
  logic [CyW-1:0]        cyc_q, cyc_d;        // syndrome cycle
  logic [SW-1:0]         s_q, s_d;            // BM step
  logic [LW-1:0]         l_q, l_d;            // BM LFSR length L
  logic [NerrW-1:0]      deg_q, deg_d;        // deg(lambda) during the Chien search
  logic [NerrW-1:0]      found_q, found_d;    // roots found so far
  logic [IW-1:0]         ci_q, ci_d;          // Chien base position
  logic [ChienPar-1:0]   taken_q, taken_d;    // roots of the current group already recorded
  // Datapath registers (no reset; written by the state-guarded block below)
  logic [RemPadW-1:0]    rem_q;               // remainder shift register, top SyndPar bits first
  logic [QLen*M-1:0]     q_q;                 // Q[k] = S_(2T-k) (k < 2T), then zeros; see below
  logic [(T+1)*M-1:0]    lam_q;               // lambda_0..T; Chien terms in the Chien phase
  logic [T*M-1:0]        b_q;                 // b_0..T-1
  logic [M-1:0]          gamma_q, delta_q;
  logic [T*PosW-1:0]     pos_q;
  logic [IdW-1:0]        id_q;
  logic                  unc_q;
  logic [NerrW-1:0]      nerr_q;

  // Q is the syndrome window of the BM: Q[k] holds S_(2s+2T-k) at step s (0 outside 1..2T), so the
  // window S_(2s+1-i), i = 0..T, sits at the fixed positions k = 2T-1+i, and each step shifts Q up
  // by two entries. Before the BM, S_j is at k = 2T-j.

  // ---------------------------------------------------------------------------------------------
  // Constant tables of the datapaths below, one entry per loop index (the loops unroll, so every
  // entry is selected by a constant: the tables fold into the XOR networks).
  // ---------------------------------------------------------------------------------------------
  // Columns of x -> alpha^(j p) x for j = 1..T (entry j-1).
  function automatic logic [T*M*M-1:0] gf_cols_pos(input int unsigned p);
    logic [T*M*M-1:0] c;
    for (int j = 1; j <= T; j++) c[(j-1)*M*M +: M*M] = gf_cols_mul((j * p) % N);
    gf_cols_pos = c;
  endfunction

  // Rows of a T-term map given by its columns (gf_cols_pos): row k, bit (j-1)*M + i = coefficient k
  // of the image of z^i in term j (entry k at [k*T*M +: T*M]).
  function automatic logic [M*T*M-1:0] gf_rows(input logic [T*M*M-1:0] cols);
    logic [M*T*M-1:0] r;
    for (int k = 0; k < M; k++) begin
      for (int t = 0; t < T * M; t++) r[k*T*M + t] = cols[(t / M)*M*M + (t % M)*M + k];
    end
    gf_rows = r;
  endfunction

  // Horner step of the odd S_J, J = 2jj+1 (entry jj): x -> alpha^(J SyndPar) x and the chunk map.
  function automatic logic [T*M*M-1:0] synd_step_cols();
    logic [T*M*M-1:0] c;
    for (int jj = 0; jj < T; jj++) c[jj*M*M +: M*M] = gf_cols_mul(((2 * jj + 1) * SyndPar) % N);
    synd_step_cols = c;
  endfunction
  function automatic logic [T*SyndPar*M-1:0] synd_chunk_cols();
    logic [T*SyndPar*M-1:0] c;
    for (int jj = 0; jj < T; jj++) c[jj*SyndPar*M +: SyndPar*M] = gf_cols_chunk(2 * jj + 1);
    synd_chunk_cols = c;
  endfunction
  // Even S_J, J = 2jj+2 (entry jj): the Frobenius power x -> x^(J/O) of S_O, O the odd part of J,
  // and the position 2T-O of S_O in Q (16 bits per entry).
  function automatic logic [T*M*M-1:0] even_frob_cols();
    logic [T*M*M-1:0] c;
    for (int jj = 0; jj < T; jj++) c[jj*M*M +: M*M] = gf_cols_frob((2 * jj + 2) / odd_part(2 * jj + 2));
    even_frob_cols = c;
  endfunction
  function automatic logic [T*16-1:0] even_src();
    logic [T*16-1:0] c;
    for (int jj = 0; jj < T; jj++) c[jj*16 +: 16] = 16'(2 * T - odd_part(2 * jj + 2));
    even_src = c;
  endfunction
  // Chien: x -> alpha^(j ChienPar) x for j = 1..T (entry j-1), the next group's terms.
  function automatic logic [T*M*M-1:0] chien_next_cols();
    logic [T*M*M-1:0] c;
    for (int j = 1; j <= T; j++) c[(j-1)*M*M +: M*M] = gf_cols_mul((j * ChienPar) % N);
    chien_next_cols = c;
  endfunction
  localparam logic [T*M*M-1:0]       SyndStepCols  = synd_step_cols();
  localparam logic [T*SyndPar*M-1:0] SyndChunkCols = synd_chunk_cols();
  localparam logic [T*M*M-1:0]       EvenFrobCols  = even_frob_cols();
  localparam logic [T*16-1:0]        EvenSrc       = even_src();
  localparam logic [T*M*M-1:0]       ChienNextCols = chien_next_cols();

  // Operand isolation: each datapath below only switches in the states that use its result (and is
  // 0 otherwise). In silicon this saves the engine's switching power while it waits; in simulation
  // it makes an idle engine cost almost nothing: each datapath is one block behind one state test
  // (Verilator evaluates every combinational block on every clock edge, but the guarded logic only
  // when the guard holds).

  // ---------------------------------------------------------------------------------------------
  // Syndromes: Horner step for the odd S_j, Frobenius maps for the even ones
  // ---------------------------------------------------------------------------------------------
  logic [T*M-1:0] synd_odd_next;   // entry jj: S_(2jj+1) after this Horner step
  logic [T*M-1:0] synd_even;       // entry jj: S_(2jj+2) from the odd syndromes in Q
  logic [SyndPar-1:0] rem_chunk;
  assign rem_chunk = rem_q[RemPadW-1 -: SyndPar];

  always_comb begin
    synd_odd_next = '0;
    if (st_q == StSynd) begin
      for (int jj = 0; jj < T; jj++) begin
        synd_odd_next[jj*M +: M] = gf_lin(q_q[(2*T-1-2*jj)*M +: M], SyndStepCols[jj*M*M +: M*M]) ^
                                   gf_lin_chunk(rem_chunk, SyndChunkCols[jj*SyndPar*M +: SyndPar*M]);
      end
    end
  end

  always_comb begin
    synd_even = '0;
    if (st_q == StEven) begin
      for (int jj = 0; jj < T; jj++) begin
        synd_even[jj*M +: M] = gf_lin(q_q[EvenSrc[jj*16 +: 16]*M +: M], EvenFrobCols[jj*M*M +: M*M]);
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // BM multipliers: bank A (a_op_i * lambda_i), bank B (delta * b_(i-1))
  // ---------------------------------------------------------------------------------------------
  logic [(T+1)*M-1:0] a_op, mul_a;
  logic [(T+1)*M-1:0] mul_b;       // entry 0 is 0
  logic [M-1:0]       delta_new;

  logic bm_active;
  assign bm_active = (st_q == StBmD) || (st_q == StBmU) || (st_q == StChk);

  always_comb begin
    a_op  = '0;
    mul_a = '0;
    if (bm_active) begin
      for (int i = 0; i <= T; i++) begin
        if (st_q == StBmD) begin
          a_op[i*M +: M] = q_q[(2*T-1+i)*M +: M];
        end else if (st_q == StChk) begin
          a_op[i*M +: M] = ChienInit[i*M +: M];
        end else begin
          a_op[i*M +: M] = gamma_q;
        end
        mul_a[i*M +: M] = gf_mul(a_op[i*M +: M], lam_q[i*M +: M]);
      end
    end
  end
  always_comb begin
    mul_b = '0;
    if (st_q == StBmU) begin
      for (int i = 1; i <= T; i++) mul_b[i*M +: M] = gf_mul(delta_q, b_q[(i-1)*M +: M]);
    end
  end

  // delta is used in StBmD only, deg(lambda) in StChk only (operand isolation, as above).
  always_comb begin
    delta_new = '0;
    if (st_q == StBmD) begin
      for (int i = 0; i <= T; i++) delta_new = delta_new ^ mul_a[i*M +: M];
    end
  end

  // deg(lambda): the highest non-zero coefficient.
  logic [NerrW-1:0] lam_deg;
  always_comb begin
    lam_deg = '0;
    if (st_q == StChk) begin
      for (int i = 1; i <= T; i++) begin
        if (lam_q[i*M +: M] != '0) lam_deg = NerrW'(i);
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Chien search: terms at p = 0..ChienPar (p = ChienPar is the next group's start)
  // ---------------------------------------------------------------------------------------------
  // Per position p of the group (no wide packed term vector: Verilator would rebuild it by
  // concatenation every cycle): ch_zero[p] = (lambda_0 + sum_j term_j * alpha^(j p) == 0), and
  // ch_next = term_j * alpha^(j ChienPar), the next group's terms.
  logic                ch_active;
  logic [ChienPar-1:0] ch_zero;
  logic [T*M-1:0]      ch_next;                // entry j-1: term_j * alpha^(j ChienPar)
  assign ch_active = (st_q == StChien);

  // The terms lambda_1..T as one vector (0 outside the Chien phase).
  logic [T*M-1:0] ch_terms;
  assign ch_terms = ch_active ? lam_q[(T+1)*M-1:M] : '0;

  // Position p: bit k of sum_j term_j * alpha^(j p) is the parity of the terms under row k of that
  // constant map (Rows, from the columns gf_cols_pos(p)): one XOR tree per bit in hardware, M word
  // AND + parity operations in simulation.
  for (genvar p = 0; p < ChienPar; p++) begin : g_pos
    localparam logic [M*T*M-1:0] Rows = gf_rows(gf_cols_pos(p));
    logic [M-1:0] sum;
    logic         zero;
    always_comb begin
      sum  = '0;
      zero = 1'b0;
      if (ch_active) begin
        for (int k = 0; k < M; k++) sum[k] = lam_q[k] ^ (^(ch_terms & Rows[k*T*M +: T*M]));
        zero = (sum == '0);
      end
    end
    assign ch_zero[p] = zero;
  end

  always_comb begin
    ch_next = '0;
    if (ch_active) begin
      for (int j = 1; j <= T; j++) begin
        ch_next[(j-1)*M +: M] = gf_lin(lam_q[j*M +: M], ChienNextCols[(j-1)*M*M +: M*M]);
      end
    end
  end

  logic [ChienPar-1:0] ch_root, ch_avail, ch_first_oh;
  logic [PW-1:0]       ch_first;
  logic                ch_more, ch_last_group;
  logic [IW-1:0]       ch_next_base;

  always_comb begin
    ch_root     = '0;
    ch_avail    = '0;
    ch_first_oh = '0;
    ch_more     = 1'b0;
    ch_first    = '0;
    if (ch_active) begin
      for (int p = 0; p < ChienPar; p++) begin
        ch_root[p] = ch_zero[p] && ((ci_q + IW'(p)) < IW'(CodeBits));
      end
      ch_avail    = ch_root & ~taken_q;
      ch_first_oh = ch_avail & (~ch_avail + ChienPar'(1));
      ch_more     = (ch_avail & (ch_avail - ChienPar'(1))) != '0;
      for (int p = ChienPar - 1; p >= 0; p--) begin
        if (ch_avail[p]) ch_first = PW'(p);
      end
    end
  end
  assign ch_next_base  = ci_q + IW'(ChienPar);
  assign ch_last_group = ch_next_base >= IW'(CodeBits);

  // ---------------------------------------------------------------------------------------------
  // Next state: control registers here, datapath registers in the state-guarded block below
  // ---------------------------------------------------------------------------------------------
  logic             adv;        // Chien: move to the next group
  logic [NerrW-1:0] found_n;    // Chien: roots found including this cycle's
  logic             bm_swap;    // BM update: b <- x*lambda, gamma <- delta, L <- 2s+1-L
  logic             chk_unc;    // StChk: uncorrectable (L > T or deg(lambda) != L)

  assign bm_swap = (delta_q != '0) && (l_q <= LW'(s_q));
  assign chk_unc = (l_q > LW'(T)) || (LW'(lam_deg) != l_q);

  always_comb begin
    adv     = 1'b1;
    found_n = found_q;
    st_d    = st_q;
    cyc_d   = cyc_q;
    s_d     = s_q;
    l_d     = l_q;
    deg_d   = deg_q;
    found_d = found_q;
    ci_d    = ci_q;
    taken_d = taken_q;

    case (st_q)
      StIdle: begin
        if (start_valid_i) begin
          cyc_d = '0;
          st_d  = StSynd;
        end
      end

      StSynd: begin
        cyc_d = cyc_q + CyW'(1);
        if (cyc_q == CyW'(SyndCycles - 1)) st_d = StEven;
      end

      StEven: begin
        l_d  = '0;
        s_d  = '0;
        st_d = StBmD;
      end

      StBmD: st_d = StBmU;

      StBmU: begin
        if (bm_swap) l_d = LW'({s_q, 1'b1}) - l_q;           // 2s+1-L
        s_d  = s_q + SW'(1);
        st_d = (s_q == SW'(T - 1)) ? StChk : StBmD;
      end

      StChk: begin
        if (chk_unc || lam_deg == '0) begin
          st_d = StDone;                                      // uncorrectable, or clean
        end else begin
          deg_d   = lam_deg;
          found_d = '0;
          ci_d    = '0;
          taken_d = '0;
          st_d    = StChien;
        end
      end

      StChien: begin
        if (ch_avail != '0) begin
          found_n = found_q + NerrW'(1);
          if (ch_more) begin
            adv     = 1'b0;
            taken_d = taken_q | ch_first_oh;
          end
        end
        found_d = found_n;
        if (adv) begin
          ci_d    = ch_next_base;
          taken_d = '0;
        end
        if (found_n == deg_q || (adv && ch_last_group)) st_d = StDone;
      end

      StDone: begin
        if (res_ready_i) st_d = StIdle;
      end

      default: st_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q    <= StIdle;
      cyc_q   <= '0;
      s_q     <= '0;
      l_q     <= '0;
      deg_q   <= '0;
      found_q <= '0;
      ci_q    <= '0;
      taken_q <= '0;
    end else begin
      st_q    <= st_d;
      cyc_q   <= cyc_d;
      s_q     <= s_d;
      l_q     <= l_d;
      deg_q   <= deg_d;
      found_q <= found_d;
      ci_q    <= ci_d;
      taken_q <= taken_d;
    end
  end

  // Datapath registers (no reset): each is written only in the states that change it and holds
  // otherwise (a clock enable per register group). An idle engine, and a waiting one (StDone),
  // costs the state test alone: no next-state copies of the wide registers every cycle.
  always_ff @(posedge clk_i) begin
    case (st_q)
      StIdle: begin
        if (start_valid_i) begin
          rem_q <= RemPadW'(start_rem_i);
          id_q  <= start_id_i;
          q_q   <= '0;
        end
      end

      StSynd: begin
        for (int jj = 0; jj < T; jj++) q_q[(2*T-1-2*jj)*M +: M] <= synd_odd_next[jj*M +: M];
        rem_q <= rem_q << SyndPar;
      end

      StEven: begin
        for (int jj = 0; jj < T; jj++) q_q[(2*T-2-2*jj)*M +: M] <= synd_even[jj*M +: M];
        lam_q   <= ((T+1)*M)'(1);
        b_q     <= (T*M)'(1);
        gamma_q <= M'(1);
      end

      StBmD: delta_q <= delta_new;

      StBmU: begin
        lam_q <= mul_a ^ mul_b;
        if (bm_swap) begin
          b_q     <= {lam_q[(T-1)*M-1:0], M'(0)};            // x * lambda (old)
          gamma_q <= delta_q;
        end else begin
          b_q     <= {b_q[(T-2)*M-1:0], M'(0), M'(0)};       // x^2 * b
        end
        q_q <= q_q << (2 * M);
      end

      StChk: begin
        unc_q  <= chk_unc;
        nerr_q <= '0;
        if (!chk_unc && lam_deg != '0) begin
          lam_q  <= mul_a;                                    // lambda_j * alpha^(-j(n-1))
          nerr_q <= lam_deg;
        end
      end

      StChien: begin
        if (ch_avail != '0) begin
          for (int e = 0; e < T; e++) begin
            if (found_q == NerrW'(e)) pos_q[e*PosW +: PosW] <= PosW'(ci_q + IW'(ch_first));
          end
        end
        if (adv) lam_q[(T+1)*M-1:M] <= ch_next;
        if (found_n != deg_q && adv && ch_last_group) begin
          unc_q  <= 1'b1;                                     // fewer roots than deg(lambda)
          nerr_q <= '0;
        end
      end

      default: ;
    endcase
  end

  assign start_ready_o = (st_q == StIdle);
  assign res_valid_o   = (st_q == StDone);
  assign res_id_o      = id_q;
  assign res_unc_o     = unc_q;
  assign res_nerr_o    = nerr_q;
  assign res_pos_o     = pos_q;
  assign busy_o        = (st_q != StIdle);

  // Assertions
  `IFC_ASSERT_INIT(CodeFits_A, CodeBits <= N && CodeBits > ParityBits)
  `IFC_ASSERT_INIT(PrimPolyDeg_A, PrimPoly[M] && PrimPoly[0])
  `IFC_ASSERT_INIT(TwoT_A, T >= 2 && 2 * T < N)
  `IFC_ASSERT_INIT(SyndPar_A, SyndPar >= 1 && SyndPar <= ParityBits)
  `IFC_ASSERT_STABLE(ResStable_A, res_valid_o, res_ready_i,
                     {res_id_o, res_unc_o, res_nerr_o, res_pos_o})
  `IFC_ASSERT_KNOWN(StateKnown_A, st_q)
  `IFC_ASSERT(FoundBound_A, st_q != StChien || (found_q < deg_q && deg_q <= NerrW'(T)))
  `IFC_ASSERT(ResNerrBound_A, !res_valid_o || res_nerr_o <= NerrW'(T))
  `IFC_ASSERT(ResUncNoErr_A, !res_valid_o || !res_unc_o || res_nerr_o == '0)

endmodule
`default_nettype wire
