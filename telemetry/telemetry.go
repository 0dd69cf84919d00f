// Package telemetry sets up what operators see of a handover process: one Prometheus registry for
// every metric (HTTP, domain figures, the Temporal SDK's), and OpenTelemetry tracing across the API
// and the workflows, exported by OTLP when an endpoint is configured and off otherwise.
package telemetry

import (
	"context"
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/embedded"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// Config says where traces go.
type Config struct {
	// Service names the process in traces, e.g. "handover-api".
	Service string
	// OTLPEndpoint is a host:port of an OTLP/gRPC collector; empty turns tracing off.
	OTLPEndpoint string
	// OTLPInsecure sends traces without TLS (a collector on the same host or network).
	OTLPInsecure bool
	// SpanExporter, when set, receives the spans instead of OTLP (tests).
	SpanExporter sdktrace.SpanExporter
}

// Telemetry is the metrics registry and the tracer of one process.
type Telemetry struct {
	Registry   *prometheus.Registry
	Tracer     trace.TracerProvider
	Propagator propagation.TextMapPropagator

	meters  *sdkmetric.MeterProvider
	tracers *sdktrace.TracerProvider
}

// New builds the registry (with Go runtime and process metrics) and, when configured, the tracer.
func New(ctx context.Context, cfg Config) (*Telemetry, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo())
	if err != nil {
		return nil, fmt.Errorf("metrics exporter: %w", err)
	}
	t := &Telemetry{
		Registry:   reg,
		Tracer:     noop.NewTracerProvider(),
		Propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		meters:     sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter)),
	}
	export := func(e sdktrace.SpanExporter) sdktrace.TracerProviderOption { return sdktrace.WithBatcher(e) }
	spans := cfg.SpanExporter
	if spans != nil {
		export = sdktrace.WithSyncer // a test reads the spans as soon as they end
	}
	if spans == nil && cfg.OTLPEndpoint != "" {
		opts := []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(cfg.OTLPEndpoint)}
		if cfg.OTLPInsecure {
			opts = append(opts, otlptracegrpc.WithInsecure())
		}
		if spans, err = otlptracegrpc.New(ctx, opts...); err != nil {
			return nil, fmt.Errorf("OTLP trace exporter: %w", err)
		}
	}
	if spans != nil {
		t.tracers = sdktrace.NewTracerProvider(
			export(spans),
			sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(cfg.Service))),
		)
		t.Tracer = t.tracers
	}
	return t, nil
}

// ClientOptions adds the Temporal SDK's metrics and the tracing interceptor to client options, so
// a trace runs from an HTTP request through the Update into the workflow and its activities.
func (t *Telemetry) ClientOptions(opts client.Options) (client.Options, error) {
	opts.MetricsHandler = temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter: countingMeter{t.meters.Meter("temporal-sdk")},
	})
	tracing, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer:            t.Tracer.Tracer("handover"),
		TextMapPropagator: t.Propagator,
	})
	if err != nil {
		return opts, fmt.Errorf("tracing interceptor: %w", err)
	}
	opts.Interceptors = append(opts.Interceptors, tracing)
	return opts, nil
}

// countingMeter hands the Temporal SDK's counters out as OpenTelemetry counters. The SDK's
// OpenTelemetry handler makes every counter an up-down counter, which Prometheus serves as a gauge
// (`temporal_request`, without `_total`); the SDK's counters (and handover's own, made through
// the workflow's metrics handler) only ever count up, so they are counters, and `rate()` and
// `increase()` treat a restart of the process as a reset.
type countingMeter struct{ metric.Meter }

// Int64UpDownCounter returns a counter in an up-down counter's clothes.
func (m countingMeter) Int64UpDownCounter(name string, opts ...metric.Int64UpDownCounterOption) (metric.Int64UpDownCounter, error) {
	var counterOpts []metric.Int64CounterOption
	for _, o := range opts {
		if co, ok := o.(metric.Int64CounterOption); ok { // description and unit apply to both
			counterOpts = append(counterOpts, co)
		}
	}
	c, err := m.Meter.Int64Counter(name, counterOpts...)
	if err != nil {
		return nil, err
	}
	return countingUpDown{counter: c}, nil
}

// countingUpDown adds to a counter. A negative increment, which no caller makes, is dropped by
// the OpenTelemetry SDK.
type countingUpDown struct {
	embedded.Int64UpDownCounter
	counter metric.Int64Counter
}

func (c countingUpDown) Add(ctx context.Context, incr int64, opts ...metric.AddOption) {
	c.counter.Add(ctx, incr, opts...)
}

func (c countingUpDown) Enabled(ctx context.Context) bool { return c.counter.Enabled(ctx) }

// Shutdown flushes spans and stops the providers.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var errs []error
	if t.tracers != nil {
		errs = append(errs, t.tracers.Shutdown(ctx))
	}
	errs = append(errs, t.meters.Shutdown(ctx))
	return errors.Join(errs...)
}
