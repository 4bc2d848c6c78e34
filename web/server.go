package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Config holds the shell's settings.
type Config struct {
	ShutdownTimeout time.Duration
	Version         string
	// RequestTimeout and UploadTimeout bound a request's work (Deadline):
	// most routes, and the uploads and other expensive routes; 0 takes
	// DefaultRequestTimeout and DefaultUploadTimeout.
	RequestTimeout, UploadTimeout time.Duration
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// ErrorPage, when set, shows the requests the shell refuses itself
	// (too large, sent from another site) as an HTML page outside /api/;
	// without it, and under /api/, they are JSON.
	ErrorPage func(c *gin.Context, err error)
	// TrustedProxies are the addresses and networks (CIDR) of the proxies
	// whose X-Forwarded-For and X-Real-IP name the client; without any, the
	// client is the peer of the connection and those headers are ignored.
	TrustedProxies []string
	// PublicURL is the service's public address ("https://…"), for the
	// links other sites copy (the embeds' <iframe> snippets); empty: links
	// relative to the site.
	PublicURL string
}

// Server is the HTTP server.
type Server struct {
	cfg      Config
	db       storage.DB
	log      *slog.Logger
	Router   *gin.Engine
	registry *prometheus.Registry
	proxies  []netip.Prefix // Config.TrustedProxies, parsed
}

// New builds the server with its middleware and operational routes.
func New(cfg Config, db storage.DB, log *slog.Logger) *Server {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		log.Error("trusted proxies not understood; trusting none", "err", err)
		r.SetTrustedProxies(nil)
	}
	s := &Server{cfg: cfg, db: db, log: log, Router: r, registry: prometheus.NewRegistry(), proxies: proxyNets(cfg.TrustedProxies)}
	m := newHTTPMetrics(s.registry)
	r.Use(requestID(), m.count(), accessLog(log), recovery(log))
	if cfg.ErrorPage != nil {
		r.Use(func(c *gin.Context) { c.Set(errorPageKey, cfg.ErrorPage) })
	}
	r.NoRoute(func(c *gin.Context) { NotFound(c) })
	r.NoMethod(func(c *gin.Context) {
		Error(c, http.StatusMethodNotAllowed, "method_not_allowed", "Metoden stöds inte för den här adressen.")
	})

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok", "version": cfg.Version}) })
	r.GET("/readyz", s.ready)
	r.GET("/metrics", metricsToken(cfg.MetricsToken), gin.WrapH(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry})))
	return s
}

func (s *Server) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Warn("readiness: database does not answer", "err", err, "request_id", RequestID(c))
		Error(c, http.StatusServiceUnavailable, "unavailable", "Databasen svarar inte just nu.")
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "engine": s.db.Engine()})
}

// Run serves on ln until ctx is cancelled, then shuts down
// gracefully: in-flight requests get ShutdownTimeout to finish.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "engine", s.db.Engine(), "database", s.db.Database(), "version", s.cfg.Version)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
