-- GET one of 100 keys, round robin; requests are built once, so wrk spends its time sending them.
local requests = {}
local i = 0
init = function()
  for k = 0, 99 do requests[k] = wrk.format("GET", "/k" .. k) end
end
request = function()
  i = (i + 1) % 100
  return requests[i]
end
