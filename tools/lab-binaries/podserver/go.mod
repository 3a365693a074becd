// The lab's pod workload: a tiny HTTP server, built with the other lab binaries.
module barelb.io/lab-binaries/podserver

go 1.26.0
