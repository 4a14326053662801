#!/usr/bin/env python3
"""Regenerates the polynomial coefficients of include/xact/math/ (mpmath, 50 digits).

Each fit is a Chebyshev interpolant (near-minimax) in a local variable t in [-1, 1],
converted to powers of t and rounded to the storage type. The script prints the C++
initialisers and the measured relative error of the rounded polynomial, so a change of
degree or interval can be checked before it is pasted into the headers.
Run: python3 scripts/gen_coefficients.py
"""
import mpmath as mp

mp.mp.dps = 50


def to_float(x):
    import struct
    return struct.unpack('f', struct.pack('f', float(x)))[0]


def rnd(x, ty):
    return to_float(x) if ty == 'float' else float(x)


def cheb_power(f, a, b, deg, local=True):
    """Power coefficients c[0..deg] of p(t) ~ f(a + (t+1)(b-a)/2), t in [-1, 1];
    with local=False, of the same polynomial expanded in the original variable."""
    poly = mp.chebyfit(lambda t: f((t * (b - a) + (b + a)) / 2), [-1, 1], deg + 1)
    c = poly[::-1]
    if local:
        return c
    # t = k u + m; expand sum c_i (k u + m)^i into powers of u
    k, m = 2 / (b - a), -(b + a) / (b - a)
    out = [mp.mpf(0)] * (deg + 1)
    for i, ci in enumerate(c):
        for j in range(i + 1):
            out[j] += ci * mp.binomial(i, j) * k**j * m**(i - j)
    return out


def max_rel(f, a, b, coeffs, ty, local=True, n=3000):
    worst = mp.mpf(0)
    c = [mp.mpf(rnd(v, ty)) for v in coeffs]
    for i in range(n + 1):
        t = -1 + 2 * mp.mpf(i) / n
        u = (t * (b - a) + (b + a)) / 2
        ref = f(u)
        if ref == 0:
            continue
        worst = max(worst, abs(mp.polyval(c[::-1], t if local else u) / ref - 1))
    return worst


def literal(v, ty):
    s = repr(rnd(v, ty))
    if 'e' not in s and '.' not in s:
        s += '.0'
    return s + ('f' if ty == 'float' else '')


def emit(name, f, a, b, degs, local=True):
    for ty in ('float', 'double'):
        c = cheb_power(f, a, b, degs[ty], local)
        err = max_rel(f, a, b, c, ty, local)
        body = ', '.join(literal(v, ty) for v in c)
        print(f'// {name} <{ty}> on [{mp.nstr(a, 6)}, {mp.nstr(b, 6)}], degree {degs[ty]}, '
              f'max rel err {mp.nstr(err, 3)}')
        print(f'{{{body}}}')


def q_expm1(r):  # expm1(r) = r + r^2 q(r)
    return (mp.expm1(r) - r) / r**2 if r != 0 else mp.mpf(1) / 2


def q_gelu(s):  # gelu(x) = x/2 + x^2 Q(x^2): Q(s) = erf(sqrt(s/2)) / (2 sqrt(s))
    return mp.erf(mp.sqrt(s / 2)) / (2 * mp.sqrt(s)) if s != 0 else 1 / mp.sqrt(2 * mp.pi)


def w_gelu(s):  # gelu'(x) = 1/2 + x W(x^2): W(s) = Q(s) + exp(-s/2)/sqrt(2 pi)
    return q_gelu(s) + mp.exp(-s / 2) / mp.sqrt(2 * mp.pi)


def h_erfc(a):  # erfc(a) = sqrt2 exp(-a^2) H(a) / a (the 1/sqrt2 is gelu's, folded in)
    return a * mp.erfc(a) * mp.exp(a * a) / mp.sqrt(2)


def h_erfc_z(z):  # the same in z = 1/a^2, for a >= 4
    return h_erfc(1 / mp.sqrt(z)) if z != 0 else 1 / mp.sqrt(2 * mp.pi)


if __name__ == '__main__':
    emit('expm1 q(r), powers of r', q_expm1, mp.mpf(-0.35), mp.mpf(0.35),
         {'float': 5, 'double': 10}, local=False)
    emit('float logistic q(r), powers of r (math/fast_sigmoid.hpp)', q_expm1, -mp.log(2) / 2, mp.log(2) / 2,
         {'float': 4, 'double': 4}, local=False)
    emit('gelu Q(s), powers of s = x^2', q_gelu, mp.mpf(0), mp.mpf(0.5),
         {'float': 4, 'double': 9}, local=False)
    emit('gelu W(s), powers of s = x^2', w_gelu, mp.mpf(0), mp.mpf(0.5),
         {'float': 4, 'double': 9}, local=False)
    for i in range(7):
        a = mp.mpf(0.5) + i * mp.mpf(0.5)
        emit(f'erfc H(a) interval {i}', h_erfc, a, a + mp.mpf(0.5), {'float': 7, 'double': 14})
    emit('erfc H(a) interval 7 in z = 1/a^2', h_erfc_z, mp.mpf(0), mp.mpf(1) / 16,
         {'float': 7, 'double': 14})


def gelu_prime(x):
    return mp.erfc(-x / mp.sqrt(2)) / 2 + x * mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def sigmoid(z):
    return 1 / (1 + mp.exp(-z))


def silu_prime(z):
    return sigmoid(z) * (1 + z * sigmoid(-z))


GELU_TANH_C = mp.sqrt(2 / mp.pi)
GELU_TANH_K = mp.mpf('0.044715')


def gelu_tanh_prime(x):
    z = 2 * GELU_TANH_C * (x + GELU_TANH_K * x**3)
    s = sigmoid(z)
    return s + x * s * (1 - s) * 2 * GELU_TANH_C * (1 + 3 * GELU_TANH_K * x * x)


def emit_root(name, fp, guess, a, b, degs):
    """f'(root + d) = d P(d) on d in [a, b], P in powers of d; prints the root as hi + lo."""
    root = mp.findroot(fp, guess)
    for ty in ('float', 'double'):
        hi = rnd(root, ty)
        lo = rnd(root - mp.mpf(hi), ty)
        print(f'// {name} root <{ty}>: hi {literal(hi, ty)} lo {literal(lo, ty)}')
    emit(f'{name} P(d), powers of d', lambda d: fp(root + d) / d if d != 0 else mp.diff(fp, root),
         mp.mpf(a), mp.mpf(b), degs, local=False)


if __name__ == '__main__':
    emit_root("gelu'", gelu_prime, -0.75, -0.5, 0.4, {'float': 8, 'double': 16})
    emit_root("silu'", silu_prime, -1.28, -0.5, 0.4, {'float': 8, 'double': 16})
    emit_root("gelu_tanh'", gelu_tanh_prime, -0.75, -0.75, 0.45, {'float': 10, 'double': 18})


def exp_precise_table():
    """exp_split_precise (include/xact/math/exp.hpp): ln2/64 = c1 + c2 + c3 with c1 rounded to
    36 significant bits (N c1 exact for |N| < 2^17), and 2^(j/64), j = -32..31, as hi + lo."""
    with mp.workdps(100):
        l = mp.log(2) / 64
        e = int(mp.floor(mp.log(l, 2)))
        c1 = mp.nint(l * mp.mpf(2) ** (35 - e)) / mp.mpf(2) ** (35 - e)
        c2 = float(l - c1)
        c3 = float(l - c1 - mp.mpf(c2))
        print(f'// exp_split_precise: inv_ln2_64 {float(64 / mp.log(2)).hex()} c1 {float(c1).hex()} '
              f'c2 {c2.hex()} c3 {c3.hex()}')
        hi, lo = [], []
        for j in range(-32, 32):
            v = mp.mpf(2) ** (mp.mpf(j) / 64)
            hi.append(float(v))
            lo.append(float(v - mp.mpf(hi[-1])))
        for name, t in (('hi', hi), ('lo', lo)):
            print(f'// 2^(j/64) {name}:')
            for i in range(0, 64, 4):
                print('    ' + ', '.join(x.hex() for x in t[i:i + 4]) + ',')


if __name__ == '__main__':
    # The float kernels computed in double (math/widen.hpp): e^r = 1 + r + r^2 q(r) to about
    # 2^-32 relative is far below a float ULP, so a short q suffices.
    c = cheb_power(q_expm1, mp.mpf(-0.35), mp.mpf(0.35), 5, local=False)
    err = max_rel(lambda r: mp.exp(r), mp.mpf(-0.35), mp.mpf(0.35),
                  [1, 1] + [mp.mpf(float(v)) for v in c], 'double', local=False)
    print(f'// exp q(r) for float kernels in double, degree 5, max rel err of 1 + r + r^2 q '
          f'{mp.nstr(err, 3)}')
    print('{' + ', '.join(literal(v, 'double') for v in c) + '}')


def quarter_binade_slots(first, last_binade, extra):
    """Slots of a slot table as (centre, half width): [0, first) (centre 0), the quarter
    binades from first up to 2^last_binade, then extra."""
    slots = [(mp.mpf(0), mp.mpf(first))]
    for e in range(int(mp.log(first, 2)), last_binade):
        for j in range(4):
            h = mp.mpf(2) ** e / 8
            slots.append((mp.mpf(2) ** e * (1 + mp.mpf(j) / 4) + h, h))
    slots.append(tuple(mp.mpf(v) for v in extra))
    return slots


def slot_table(name, ratio, slots, deg=6, per_slot=False):
    """A table of 32 polynomials (math/slot_table.hpp): P(a - centre) ~ ratio(a) on each slot, a
    Chebyshev interpolant, P(0) stored as hi + lo; rows centre, P(0) hi, P(0) lo, t^1 .. t^deg;
    the slots past the last repeat it. per_slot: ratio(i) is slot i's function."""
    rows = [[] for _ in range(deg + 3)]
    worst = mp.mpf(0)
    for k, (c, h) in enumerate(slots):
        f = ratio(k) if per_slot else ratio
        s = mp.chebyfit(lambda v: f(c + v * h), [-1, 1], deg + 1)[::-1]
        co = [s[i] / h**i for i in range(deg + 1)]
        hi = to_float(co[0])
        lo = to_float(co[0] - hi)
        rest = [to_float(v) for v in co[1:]]
        for i, v in enumerate([float(c), hi, lo] + rest):
            rows[i].append(v)
        a, b = max(c - h, mp.mpf(0)), c + h
        for i in range(401):
            u = a + (b - a) * i / 400
            t = u - c
            p = mp.mpf(hi) + mp.mpf(lo) + sum(mp.mpf(rest[k]) * t**(k + 1) for k in range(deg))
            worst = max(worst, abs(p / f(u) - 1))
    print(f'// {name} table: degree {deg}, max rel err of P {mp.nstr(worst, 3)}')
    for r in rows:
        r += [r[-1]] * (32 - len(r))
        print('{' + ', '.join(literal(v, 'float') for v in r) + '},')


def tanh_table():
    """math/tanh_table.hpp: tanh(a) = a P(a - centre), P ~ tanh(a)/a, a = |x| clamped at 9.5:
    [0, 1/16), quarter binades to 8, then [8, 10)."""
    slot_table('tanh', lambda u: mp.mpf(1) if u == 0 else mp.tanh(u) / u,
               quarter_binade_slots(mp.mpf(1) / 16, 3, (9, 1)))


def gelu_table():
    """math/gelu_table.hpp: M(a) = Phi(-a) e^(a^2/2) = P(a - centre), a = |x| clamped at 16:
    [0, 1/8), quarter binades to 16, then [16, 20) (where a = 16 alone lands)."""
    slot_table('gelu', lambda u: mp.erfc(u / mp.sqrt(2)) / 2 * mp.exp(u * u / 2),
               quarter_binade_slots(mp.mpf(1) / 8, 4, (18, 2)))


GELU_K_ROOT_SLOTS = range(0, 15)  # [0, 1.5): a - a0 is exact there as (a - a0_hi) - a0_lo, see below


def gelu_derivative_table():
    """math/gelu_table.hpp, gelu': K(a) = M(a) - a/sqrt(2 pi) = (a - rho) R(a), R = P(a - centre)
    as for M, rho per slot: the root a0 of K (0.752) on the slots of [0, 1.5), so that K's zero is
    a factor computed exactly: a - a0_hi as a fast two-sum below a0 (|a0_hi| >= a), exact by
    Sterbenz above, and a0's low part; 0 from 1.5 on (a itself). R = K/(a - a0) is flatter than K
    near 0 (the tail of P stays small: its rounding costs less). Also prints the rows rho hi and
    -(rho - rho hi) (0 off the root slots)."""
    c = 1 / mp.sqrt(2 * mp.pi)

    def k_of(u):
        return mp.erfc(u / mp.sqrt(2)) / 2 * mp.exp(u * u / 2) - u * c

    a0 = mp.findroot(k_of, 0.75)
    slots = quarter_binade_slots(mp.mpf(1) / 8, 4, (18, 2))
    rho = [a0 if k in GELU_K_ROOT_SLOTS else mp.mpf(0) for k in range(len(slots))]

    def ratio(k):
        r = rho[k]
        return lambda u: mp.diff(k_of, r) if u == r else k_of(u) / (u - r)

    slot_table("gelu'", ratio, slots, per_slot=True)
    hi = [to_float(r) for r in rho]
    lo = [-to_float(r - mp.mpf(h)) if k in GELU_K_ROOT_SLOTS else 0.0 for k, (r, h) in enumerate(zip(rho, hi))]
    print(f'// root a0 = {mp.nstr(a0, 20)}; rows rho hi, rho lo = rho hi - rho')
    for r in (hi, lo):
        r += [r[-1]] * (32 - len(r))
        print('{' + ', '.join(literal(v, 'float') for v in r) + '},')


if __name__ == '__main__':
    exp_precise_table()
    tanh_table()
    gelu_table()
    gelu_derivative_table()
