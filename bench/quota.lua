-- wrk script: a signed-in user with no messages left today keeps sending; every answer
-- must be the quota's 429 quota_exceeded. TOKEN and CONVERSATION come from the environment.
local token = os.getenv("TOKEN")
local path = "/api/v1/companion/conversations/" .. os.getenv("CONVERSATION") .. "/messages"
local headers = { ["authorization"] = "Bearer " .. token, ["content-type"] = "application/json" }
local threads = {}
unexpected = 0

setup = function(thread)
  table.insert(threads, thread)
end

request = function()
  return wrk.format("POST", path, headers, '{"text":"还能再聊一句吗？"}')
end

response = function(status, headers, body)
  if status ~= 429 or not body:find('"code":"quota_exceeded"', 1, true) then
    unexpected = unexpected + 1
  end
end

done = function()
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("unexpected")
  end
  io.write("answers other than the quota's 429: " .. total .. "\n")
end
