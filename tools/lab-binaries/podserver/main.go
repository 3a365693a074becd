// Command podserver is the workload of the BareLB lab's pods. It answers every HTTP request with
// the pod's name, its node's name and the client address it saw, so a test can tell which pod
// served it and whether the client's source address survived (externalTrafficPolicy: Local) or was
// SNATed to a node address (Cluster).
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	listen := flag.String("listen", ":8080", "address to listen on")
	pod := flag.String("pod", os.Getenv("POD_NAME"), "pod name to report")
	node := flag.String("node", os.Getenv("NODE_NAME"), "node name to report")
	flag.Parse()

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Connection", "close")
		_ = json.NewEncoder(w).Encode(map[string]string{"pod": *pod, "node": *node, "client": host})
	})
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	log.Printf("podserver %s on %s listening on %s", *pod, *node, *listen)
	log.Fatal(http.ListenAndServe(*listen, nil))
}
