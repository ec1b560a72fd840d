-- W1 over HTTP: POST /checks, cycling through the bodies in $W1_BODIES (one GeoJSON Feature per line, written by
-- `metrocircle-bench-alignment bodies`). Each wrk thread starts at its own offset so threads do not send the same
-- project at the same time.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local bodies = {}
local i = 0
function init(args)
  for line in io.lines(os.getenv("W1_BODIES")) do bodies[#bodies + 1] = line end
  i = ((tid or 0) * 7919) % #bodies
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/checks", { ["Content-Type"] = "application/geo+json", ["Authorization"] = "Bearer " .. os.getenv("W1_TOKEN") }, bodies[i])
end
