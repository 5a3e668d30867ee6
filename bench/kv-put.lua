-- PUT one of 100 keys, round robin, with a small JSON value; requests are built once.
local requests = {}
local i = 0
init = function()
  for k = 0, 99 do requests[k] = wrk.format("PUT", "/k" .. k, nil, '{"value":{"n":' .. k .. ',"title":"Lattice"}}') end
end
request = function()
  i = (i + 1) % 100
  return requests[i]
end
