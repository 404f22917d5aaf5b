-- wrk script: signed-in users switch their reaction to one post between like and
-- dislike, round robin. TOKENS is a comma-separated list of access tokens.
local tokens = dofile("bench/tokens.lua")
local sent = 0

request = function()
  sent = sent + 1
  local token = tokens[(sent % #tokens) + 1]
  local value = (math.floor(sent / #tokens) % 2 == 0) and "like" or "dislike"
  local headers = { ["authorization"] = "Bearer " .. token, ["content-type"] = "application/json" }
  return wrk.format("PUT", nil, headers, '{"reaction":"' .. value .. '"}')
end
