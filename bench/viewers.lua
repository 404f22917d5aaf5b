-- wrk script: signed-in viewers take turns reading the URL. TOKENS is a comma-separated
-- list of access tokens.
local tokens = dofile("bench/tokens.lua")
local sent = 0

request = function()
  sent = sent + 1
  return wrk.format(nil, nil, { ["authorization"] = "Bearer " .. tokens[(sent % #tokens) + 1] })
end
