-- wrk script for scripts/nearest-vs-postgis.sh: every request asks the nearest-stations
-- question from a fresh random point, uniform in a bounding box (WGS-84 degrees).
--   wrk ... -s scripts/nearest-random.lua URL -- PATH MIN_LAT MIN_LNG MAX_LAT MAX_LNG [QUERY]
-- PATH is what is asked (the API's path, or a static file, which ignores the query);
-- QUERY is appended after the point (default "&limit=10&amenity=water").
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local path, min_lat, min_lng, max_lat, max_lng, rest

function init(args)
  path = args[1]
  min_lat, min_lng = tonumber(args[2]), tonumber(args[3])
  max_lat, max_lng = tonumber(args[4]), tonumber(args[5])
  rest = args[6] or "&limit=10&amenity=water"
  assert(path and min_lat and min_lng and max_lat and max_lng, "usage: -- PATH MIN_LAT MIN_LNG MAX_LAT MAX_LNG [QUERY]")
  -- A different sequence per thread (and per run).
  math.randomseed(os.time() * 1000 + (id or 0) * 7919)
end

function request()
  local lat = min_lat + (max_lat - min_lat) * math.random()
  local lng = min_lng + (max_lng - min_lng) * math.random()
  return wrk.format("GET", string.format("%s?lat=%.6f&lng=%.6f%s", path, lat, lng, rest))
end
