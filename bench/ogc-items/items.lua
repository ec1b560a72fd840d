-- wrk script: GET <W4_PREFIX>/collections/<ITEMS_COLLECTION>/items?<ITEMS_QUERY>[&bbox=<next box>]
-- Same scheme as ../shared/bench/mapserver/w4.lua (which is fixed to the farmland collection):
-- boxes ("minx,miny,maxx,maxy" per line, CRS84) come from the file named by W4_BBOXES and are
-- cycled in order by every wrk thread; W4_PREFIX is the server's OGC API root path.
-- Without W4_BBOXES every request is the same (no bbox).
local prefix = os.getenv("W4_PREFIX") or ""
local collection = os.getenv("ITEMS_COLLECTION") or error("ITEMS_COLLECTION is not set")
local query = os.getenv("ITEMS_QUERY") or "f=json&limit=100"
local base = prefix .. "/collections/" .. collection .. "/items?" .. query
local boxes = {}
local file = os.getenv("W4_BBOXES")
if file and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then boxes[#boxes + 1] = line end
  end
end
local n = 0
request = function()
  if #boxes == 0 then return wrk.format("GET", base) end
  n = n + 1
  return wrk.format("GET", base .. "&bbox=" .. boxes[(n % #boxes) + 1])
end
