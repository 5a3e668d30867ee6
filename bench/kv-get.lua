-- GET one of 100 keys, round robin.
local i = 0
request = function()
  i = (i + 1) % 100
  return wrk.format("GET", "/k" .. i)
end
