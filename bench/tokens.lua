-- The access tokens in TOKENS (comma-separated), for the wrk scripts that sign in as
-- several users in turn: local tokens = dofile("bench/tokens.lua")
local tokens = {}
for token in string.gmatch(os.getenv("TOKENS") or "", "[^,]+") do
  tokens[#tokens + 1] = token
end
return tokens
