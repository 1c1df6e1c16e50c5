-- Run once by /bin/seoulweb-bench with the freshly built lua: exercise the VM, the
-- string, table and math libraries; the output's md5 is the benchmark checksum.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local t = {}
for i = 1, 2000 do t[i] = (i * 7919) % 2003 end
table.sort(t)
local acc = 0
for i, v in ipairs(t) do acc = (acc * 31 + v * i) % 1000000007 end
local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do words[#words + 1] = w:upper() end
print(_VERSION)
print("fib(24)", fib(24))
print("sorted", acc)
print("words", table.concat(words, ","))
print("format", string.format("%5.3f %x %q", math.pi, 48879, "a\nb"))
print("utf8", utf8.char(72, 228, 8364), utf8.len("häé"))
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * i) end end)
print("co", co(), co(), co())
print("int", math.maxinteger // 3, 7 // 2, 7.0 // 2, 2^10)
