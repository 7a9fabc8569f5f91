-- wrk script: POST /similar, cycling through the nearest-neighbour queries in $QUERIES (one word per line).
local words = {}
for word in io.lines(os.getenv("QUERIES")) do words[#words + 1] = word end
local index = 0
request = function()
  index = index % #words + 1
  return wrk.format("POST", "/similar", {["Content-Type"] = "application/json"},
                    '{"positive": ["' .. words[index] .. '"], "top_k": 10}')
end
