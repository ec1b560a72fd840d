-- wrk script: GET /collections/<W4_COLLECTION>/items?f=json&limit=100&bbox=<next box>, cycling through the harness's
-- W4 boxes (one "minx,miny,maxx,maxy" per line in W4_BBOXES): the harness's W4 request against a Metrocircle
-- collection of another name (the farmland is imported as `permanent-farmland`).
local boxes = {}
for line in io.lines(os.getenv("W4_BBOXES")) do boxes[#boxes + 1] = line end
local collection = os.getenv("W4_COLLECTION") or "farmland"
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/collections/" .. collection .. "/items?f=json&limit=100&bbox=" .. boxes[(n % #boxes) + 1])
end
