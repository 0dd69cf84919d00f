// Package handover_test checks the deployment files at the root of the repository. No Docker engine
// runs here, so the Compose file is loaded with the Compose specification's own loader.
package handover_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/require"
)

func TestComposeTopology(t *testing.T) {
	opts, err := cli.NewProjectOptions([]string{"docker-compose.yml"}, cli.WithName("handover"), cli.WithWorkingDirectory("."))
	require.NoError(t, err)
	project, err := opts.LoadProject(context.Background())
	require.NoError(t, err)

	require.ElementsMatch(t, []string{"postgres", "temporal", "temporal-ui", "migrate", "api", "worker"}, project.ServiceNames())
	svc := func(name string) types.ServiceConfig {
		s, err := project.GetService(name)
		require.NoError(t, err)
		return s
	}

	for _, name := range []string{"migrate", "api", "worker"} {
		s := svc(name)
		require.Equal(t, "handover:latest", s.Image, name)
		env := s.Environment
		require.Equal(t, "temporal:7233", *env["HANDOVER_TEMPORAL_ADDRESS"], name)
		require.Contains(t, *env["HANDOVER_DATABASE_URL"], "@postgres:5432/handover", name)
		require.Equal(t, "json", *env["HANDOVER_LOG_FORMAT"], name)
	}
	require.Equal(t, types.ShellCommand{"postgres", "-c", "max_connections=300"}, svc("postgres").Command,
		"PostgreSQL has room for 16 read-model connections per api and worker process beside Temporal's")
	require.Equal(t, types.ShellCommand{"migrate"}, svc("migrate").Command)
	require.NotNil(t, svc("migrate").Build, "migrate builds the image the others run")
	require.Equal(t, types.ShellCommand{"api"}, svc("api").Command)
	require.Equal(t, types.ShellCommand{"worker"}, svc("worker").Command)
	require.Equal(t, "0.0.0.0:8080", *svc("api").Environment["HANDOVER_HTTP_ADDR"])
	for _, name := range []string{"api", "worker"} {
		_, ok := svc(name).Environment["HANDOVER_ENCRYPTION_KEY"]
		require.True(t, ok, "%s is given the encryption key", name)
		_, ok = svc(name).Environment["HANDOVER_METRICS_TOKEN"]
		require.True(t, ok, "%s is given the metrics token, when one is set", name)
	}
	require.Equal(t, "http://localhost:8080/codec", *svc("temporal-ui").Environment["TEMPORAL_CODEC_ENDPOINT"])
	require.Equal(t, "http://localhost:8233", *svc("api").Environment["HANDOVER_CODEC_CORS_ORIGINS"])
	require.Equal(t, "http://localhost:8233", *svc("api").Environment["HANDOVER_TEMPORAL_UI_URL"], "the web UI links to the Temporal UI")

	for _, name := range []string{"api", "worker"} {
		dep, ok := svc(name).DependsOn["migrate"]
		require.True(t, ok, "%s waits for migrations", name)
		require.Equal(t, types.ServiceConditionCompletedSuccessfully, dep.Condition)
	}
	worker := svc("worker")
	require.Equal(t, 2, worker.GetScale(), "workers run several copies")
	require.Equal(t, "0.0.0.0:9090", *worker.Environment["HANDOVER_METRICS_ADDR"], "the workers' metrics are served")
	require.Equal(t, types.StringOrNumberList{"9090"}, worker.Expose)
	// Docker's default of 10 s would cut off what the processes finish on stop.
	require.Equal(t, "30s", worker.StopGracePeriod.String())
	require.Equal(t, "40s", svc("api").StopGracePeriod.String())
	require.Equal(t, types.ServiceConditionHealthy, svc("temporal").DependsOn["postgres"].Condition)
	// The API, the workers and the Temporal UI start once Temporal answers for the namespace they use.
	require.NotNil(t, svc("temporal").HealthCheck)
	require.Equal(t, types.HealthCheckTest{"CMD", "temporal", "operator", "namespace", "describe", "--namespace", "default", "--address", "temporal:7233"}, svc("temporal").HealthCheck.Test)
	for _, name := range []string{"api", "worker", "temporal-ui"} {
		require.Equal(t, types.ServiceConditionHealthy, svc(name).DependsOn["temporal"].Condition, name)
	}
	require.Equal(t, "postgres12", *svc("temporal").Environment["DB"])
	require.Equal(t, "temporal:7233", *svc("temporal-ui").Environment["TEMPORAL_ADDRESS"])

	published := map[string]string{}
	for _, name := range []string{"api", "temporal", "temporal-ui"} {
		for _, p := range svc(name).Ports {
			published[name] = fmt.Sprintf("%s:%s->%d", p.HostIP, p.Published, p.Target)
		}
	}
	// Temporal and its UI authenticate nobody: only the API is published beyond the host.
	require.Equal(t, map[string]string{"api": ":8080->8080", "temporal": "127.0.0.1:7233->7233", "temporal-ui": "127.0.0.1:8233->8080"}, published)
	require.Equal(t, "true", *svc("temporal-ui").Environment["TEMPORAL_DISABLE_WRITE_ACTIONS"], "the Temporal UI reads, it does not change")
}
