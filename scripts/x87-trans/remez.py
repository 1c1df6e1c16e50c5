"""The exchange step of the Remez algorithm, shared by the x87 read-back scripts (sinfit.py, tanfit.py,
tan-minimax.py, logfit.py): from an error curve sampled on a grid, the new reference points."""

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
