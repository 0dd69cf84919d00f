package app

import (
	"fmt"
	"net"
	"strconv"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
)

// temporalUI is the Temporal Web UI served beside `handover dev`, as `temporal server
// start-dev` serves it: supervisors follow an action's whole workflow history there.
type temporalUI struct {
	server *uiserver.Server
	URL    string
}

// startTemporalUI serves the Temporal Web UI on ip:port against the embedded frontend, read only.
// codecURL, when set, is handover's codec endpoint: the UI asks it, with the browser's cookies,
// to decrypt payloads for a signed-in supervisor.
func startTemporalUI(ip string, port int, frontend, namespace, codecURL string) (*temporalUI, error) {
	addr := net.JoinHostPort(ip, strconv.Itoa(port))
	// The UI server exits the process on a taken port: find out first and say it plainly.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("the Temporal Web UI cannot listen on %s: %w", addr, err)
	}
	port = ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		return nil, err
	}
	cfg := &uiconfig.Config{
		TemporalGRPCAddress: frontend,
		Host:                ip,
		Port:                port,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		HideLogs:            true,
		DisableNewsFetch:    true,
		CORS:                uiconfig.CORS{CookieInsecure: true},
		Codec:               uiconfig.Codec{Endpoint: codecURL, IncludeCredentials: true},
		// It has no sign-in of its own: anyone who can reach it could otherwise terminate, cancel,
		// signal or reset an action's workflow behind handover's back. Reading the history is
		// what it is here for; changes go through handover's API.
		DisableWriteActions: true,
	}
	srv := uiserver.NewServer(uioptions.WithConfigProvider(cfg))
	go func() { _ = srv.Start() }()
	return &temporalUI{server: srv, URL: "http://" + net.JoinHostPort(ip, strconv.Itoa(port))}, nil
}

func (u *temporalUI) stop() { u.server.Stop() }
