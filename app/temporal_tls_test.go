package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/app"
)

// pki is a certificate authority of the test's own, with a server certificate for temporal.test
// and a client certificate, written as the PEM files an operator would point the settings at.
type pki struct {
	ca, cert, key string // file paths
	caCert        *x509.Certificate
	client        []byte // the client certificate, DER
	server        tls.Certificate
}

func newPKI(t *testing.T) pki {
	t.Helper()
	dir := t.TempDir()
	write := func(name, blockType string, der []byte) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}), 0o600))
		return path
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	caCert, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	issue := func(serial int64, cn string, dns []string, usage x509.ExtKeyUsage) ([]byte, *ecdsa.PrivateKey) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		der, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn}, DNSNames: dns,
			NotBefore: caTmpl.NotBefore, NotAfter: caTmpl.NotAfter,
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		}, caCert, &key.PublicKey, caKey)
		require.NoError(t, err)
		return der, key
	}
	serverDER, serverKey := issue(2, "temporal.test", []string{"temporal.test"}, x509.ExtKeyUsageServerAuth)
	clientDER, clientKey := issue(3, "handover-worker", nil, x509.ExtKeyUsageClientAuth)
	clientPKCS8, err := x509.MarshalPKCS8PrivateKey(clientKey)
	require.NoError(t, err)
	return pki{
		ca:     write("ca.pem", "CERTIFICATE", caDER),
		cert:   write("client.pem", "CERTIFICATE", clientDER),
		key:    write("client-key.pem", "PRIVATE KEY", clientPKCS8),
		caCert: caCert, client: clientDER,
		server: tls.Certificate{Certificate: [][]byte{serverDER}, PrivateKey: serverKey},
	}
}

// The TLS settings become the Temporal client's TLS configuration and credentials; left unset,
// the connection stays plain gRPC, as the embedded server and the Compose file's speak.
func TestTemporalTLSOptions(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	base, err := app.LoadConfig()
	require.NoError(t, err)

	plain, err := base.TemporalOptions()
	require.NoError(t, err)
	require.Nil(t, plain.ConnectionOptions.TLS, "TLS is off by default")
	require.Nil(t, plain.Credentials)
	require.Equal(t, base.TemporalAddress, plain.HostPort)

	cfg := base
	cfg.TemporalTLSCA, cfg.TemporalTLSCert, cfg.TemporalTLSKey = p.ca, p.cert, p.key
	cfg.TemporalTLSServerName, cfg.TemporalAPIKey = "temporal.test", "secret-api-key"
	require.NoError(t, cfg.Validate())
	opts, err := cfg.TemporalOptions()
	require.NoError(t, err)
	tc := opts.ConnectionOptions.TLS
	require.NotNil(t, tc, "the files turn TLS on without HANDOVER_TEMPORAL_TLS")
	require.Equal(t, uint16(tls.VersionTLS12), tc.MinVersion)
	require.Equal(t, "temporal.test", tc.ServerName)
	want := x509.NewCertPool()
	want.AddCert(p.caCert)
	require.True(t, want.Equal(tc.RootCAs), "the CA file is the one root trusted")
	require.Len(t, tc.Certificates, 1)
	require.Equal(t, p.client, tc.Certificates[0].Certificate[0])
	require.IsType(t, client.NewAPIKeyStaticCredentials(""), opts.Credentials)

	for name, set := range map[string]func(*app.Config){
		"tls":     func(c *app.Config) { c.TemporalTLS = true },
		"api key": func(c *app.Config) { c.TemporalAPIKey = "secret-api-key" },
	} {
		cfg := base
		set(&cfg)
		opts, err := cfg.TemporalOptions()
		require.NoError(t, err, name)
		require.NotNil(t, opts.ConnectionOptions.TLS, name)
		require.Nil(t, opts.ConnectionOptions.TLS.RootCAs, "%s: the system's roots", name)
		require.Empty(t, opts.ConnectionOptions.TLS.Certificates, name)
	}
}

// A certificate file that cannot work stops the process at start, naming its variable (and never
// printing the API key).
func TestTemporalTLSRefusesBadFiles(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("not a certificate"), 0o600))
	missing := filepath.Join(dir, "missing.pem")
	base, err := app.LoadConfig()
	require.NoError(t, err)
	base.TemporalAPIKey = "secret-api-key"
	for name, tc := range map[string]struct {
		ca, cert, key string
		want          string
	}{
		"missing CA":           {ca: missing, want: "HANDOVER_TEMPORAL_TLS_CA"},
		"CA not PEM":           {ca: notPEM, want: "HANDOVER_TEMPORAL_TLS_CA"},
		"CA holds no cert":     {ca: p.key, want: "HANDOVER_TEMPORAL_TLS_CA"},
		"cert without key":     {cert: p.cert, want: "HANDOVER_TEMPORAL_TLS_KEY"},
		"key without cert":     {key: p.key, want: "HANDOVER_TEMPORAL_TLS_CERT"},
		"missing cert":         {cert: missing, key: p.key, want: "HANDOVER_TEMPORAL_TLS_CERT"},
		"cert not PEM":         {cert: notPEM, key: p.key, want: "HANDOVER_TEMPORAL_TLS_CERT"},
		"missing key":          {cert: p.cert, key: missing, want: "HANDOVER_TEMPORAL_TLS_KEY"},
		"key not PEM":          {cert: p.cert, key: notPEM, want: "HANDOVER_TEMPORAL_TLS_KEY"},
		"key is a certificate": {cert: p.cert, key: p.ca, want: "HANDOVER_TEMPORAL_TLS_KEY"},
	} {
		cfg := base
		cfg.TemporalTLSCA, cfg.TemporalTLSCert, cfg.TemporalTLSKey = tc.ca, tc.cert, tc.key
		err := cfg.Validate()
		require.ErrorContains(t, err, tc.want, name)
		require.NotContains(t, err.Error(), "secret-api-key", name)
	}
}

// What the options say is what reaches the server: a TLS endpoint that trusts only the test's CA
// and presents a certificate for temporal.test only sees the client certificate and the API key
// of the SDK's first call. (It records them and refuses the call; it is not a Temporal server.)
func TestTemporalTLSReachesTheServer(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	type call struct{ path, auth, peer string }
	seen := make(chan call, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case seen <- call{r.URL.Path, r.Header.Get("Authorization"), r.TLS.PeerCertificates[0].Subject.CommonName}:
		default:
		}
		w.Header().Set("Content-Type", "application/grpc")
		w.Header().Set("Grpc-Status", "16") // UNAUTHENTICATED: the dial ends here
		w.WriteHeader(http.StatusOK)
	}))
	roots := x509.NewCertPool()
	roots.AddCert(p.caCert)
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{p.server}, ClientCAs: roots, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	defer srv.Close()

	cfg, err := app.LoadConfig()
	require.NoError(t, err)
	cfg.TemporalAddress = srv.Listener.Addr().String()
	cfg.TemporalTLSCA, cfg.TemporalTLSCert, cfg.TemporalTLSKey = p.ca, p.cert, p.key
	cfg.TemporalTLSServerName, cfg.TemporalAPIKey = "temporal.test", "secret-api-key"
	opts, err := cfg.TemporalOptions()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, opts)
	if err == nil {
		c.Close()
	}
	select {
	case got := <-seen:
		require.Equal(t, call{
			path: "/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo",
			auth: "Bearer secret-api-key", peer: "handover-worker",
		}, got)
	default:
		t.Fatalf("no call reached the TLS endpoint: %v", err)
	}
}
