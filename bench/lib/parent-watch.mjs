// Loaded into the benchmark's Parley child with `node --import`: if the benchmark process goes away (even
// killed with SIGKILL, when it cannot clean up), the server is re-parented and stops itself.
const parent = process.ppid
const timer = setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM')
}, 1000)
timer.unref()
