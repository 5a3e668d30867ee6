-- PUT one of 100 keys, round robin, with a small JSON value.
local i = 0
request = function()
  i = (i + 1) % 100
  return wrk.format("PUT", "/k" .. i, nil, '{"value":{"n":' .. i .. ',"title":"Lattice"}}')
end
