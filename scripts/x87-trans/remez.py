"""The exchange step of the Remez algorithm, shared by the x87 read-back scripts (sinfit.py, tanfit.py,
tan-minimax.py, logfit.py): from an error curve sampled on a grid, the new reference points; and
minimax(), the polynomials of the Intel models (intel-log.py, intel-trig.py)."""

def exchange(err, grid, n, steps, keep_first=False):
    """The n points where err (a function of x, mpmath) alternates with the largest magnitudes:
    one per run of equal sign on `grid` (the largest |err| of the run), trimmed from the smaller
    end to n, each refined by `steps` ternary-search steps between its grid neighbours (the last
    grid point, and with keep_first the first, stay as they are). Raises ValueError when err
    alternates fewer than n times."""
    ev = [err(x) for x in grid]
    runs, cur = [], [0]
    for i in range(1, len(grid)):
        if (ev[i] >= 0) == (ev[cur[0]] >= 0): cur.append(i)
        else: runs.append(cur); cur = [i]
    runs.append(cur)
    pts = [max(r, key=lambda i: abs(ev[i])) for r in runs]
    if len(pts) < n: raise ValueError('too few alternations')
    while len(pts) > n: pts.pop(0 if abs(ev[pts[0]]) < abs(ev[pts[-1]]) else -1)
    new = []
    for i in pts:
        if i == len(grid) - 1 or (keep_first and i == 0): new.append(grid[i]); continue
        lo, hi = grid[max(i - 1, 0)], grid[i + 1]
        for _ in range(steps):
            m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
            if abs(err(m1)) < abs(err(m2)): lo = m1
            else: hi = m2
        new.append((lo + hi) / 2)
    return new


def minimax(f, zm, n, iters=30):
    """p1 .. pn minimising max |p1 z + ... + pn z^n - f(z)| on [0, zm] (mpmath values; f(0) = 0, so the
    error is zero at 0 and alternates at n + 1 points, the last at zm)."""
    import mpmath
    pts = [zm * (1 - mpmath.cos(mpmath.pi * (i + 1) / (n + 1))) / 2 for i in range(n + 1)]
    grid = [zm * mpmath.mpf(i) / 1500 for i in range(1, 1501)]
    for _ in range(iters):
        M = mpmath.matrix([[z ** (k + 1) for k in range(n)] + [(-1) ** i] for i, z in enumerate(pts)])
        c = mpmath.lu_solve(M, mpmath.matrix([f(z) for z in pts]))
        p = [c[k] for k in range(n)]
        err = lambda z: sum(p[k] * z ** (k + 1) for k in range(n)) - f(z)
        new = exchange(err, grid, n + 1, 60)
        if max(abs(a - b) for a, b in zip(new, pts)) < zm * mpmath.mpf(2) ** -90:
            break
        pts = new
    return p


def minimax_basis(f, basis, lo, hi, iters=40, gridn=2000):
    """c_k minimising max |sum c_k basis_k(x) - f(x)| on [lo, hi] (mpmath functions; the error
    alternates at len(basis) + 1 points): for polynomials with a fixed leading term or a weight,
    e.g. Intel's sine x + x^3 (s1 + s2 x^2 + ...) with absolute error (intel-trig.py sin_poly)."""
    import mpmath
    n = len(basis)
    pts = [lo + (hi - lo) * (1 - mpmath.cos(mpmath.pi * (i + 1) / (n + 1))) / 2 for i in range(n + 1)]
    grid = [lo + (hi - lo) * mpmath.mpf(i) / gridn for i in range(1, gridn + 1)]
    for _ in range(iters):
        M = mpmath.matrix([[b(x) for b in basis] + [(-1) ** i] for i, x in enumerate(pts)])
        c = mpmath.lu_solve(M, mpmath.matrix([f(x) for x in pts]))
        co = [c[k] for k in range(n)]
        err = lambda x: sum(co[k] * basis[k](x) for k in range(n)) - f(x)
        new = exchange(err, grid, n + 1, 60)
        if max(abs(a - b) for a, b in zip(new, pts)) < (hi - lo) * mpmath.mpf(2) ** -90:
            break
        pts = new
    return co


def minimax_weighted(f, deg, lo, hi, w, iters=30, gridn=4000):
    """c_0 .. c_deg minimising max |w(x) (c_0 + c_1 x + ... + c_deg x^deg - f(x))| on [lo, hi]
    (mpmath functions; the weighted error alternates at deg + 2 points, the ends among them):
    the Remez exchange with the local extrema of the sampled error, for F2XM1's Q (intel-exp.py)."""
    import mpmath
    n = deg + 1
    pts = [(lo + hi) / 2 - (hi - lo) / 2 * mpmath.cos(mpmath.pi * i / n) for i in range(n + 1)]
    grid = [lo + (hi - lo) * mpmath.mpf(i) / gridn for i in range(gridn + 1)]
    co = None
    for _ in range(iters):
        M = mpmath.matrix([[x ** k for k in range(n)] + [(-1) ** i / w(x)] for i, x in enumerate(pts)])
        c = mpmath.lu_solve(M, mpmath.matrix([f(x) for x in pts]))
        co = [c[k] for k in range(n)]
        ev = [(mpmath.polyval(co[::-1], x) - f(x)) * w(x) for x in grid]
        ext = []
        for i, v in enumerate(ev):
            if 0 < i < len(ev) - 1 and (abs(v) < abs(ev[i - 1]) or abs(v) < abs(ev[i + 1])):
                continue
            if ext and (ev[ext[-1]] >= 0) == (v >= 0):
                if abs(v) > abs(ev[ext[-1]]): ext[-1] = i
            else:
                ext.append(i)
        while len(ext) > n + 1:
            ext.pop(0 if abs(ev[ext[0]]) < abs(ev[ext[-1]]) else -1)
        if len(ext) < n + 1:
            raise ValueError('too few alternations')
        new = [grid[i] for i in ext]
        if max(abs(a - b) for a, b in zip(new, pts)) < (hi - lo) * mpmath.mpf(2) ** -40:
            break
        pts = new
    return co
