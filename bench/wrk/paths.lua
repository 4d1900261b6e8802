-- wrk script: every request asks for a path drawn at random from a file (one path a line).
--   wrk ... -s bench/wrk/paths.lua http://127.0.0.1:PORT -- /path/to/paths.txt
-- Each wrk thread seeds its own generator with its number, so runs draw the same sequence.
local counter = 0
local paths = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  math.randomseed(id or 1)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
