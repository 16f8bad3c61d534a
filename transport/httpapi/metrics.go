package httpapi

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/transport/ws"
)

// Metrics are the Prometheus series of one server; they implement the
// lobby and ws observers.
type Metrics struct {
	Registry *prometheus.Registry

	connections   prometheus.Gauge
	closes        *prometheus.CounterVec
	rooms         prometheus.GaugeFunc
	players       prometheus.GaugeFunc
	messagesIn    prometheus.Counter
	messagesOut   prometheus.Counter
	slowConsumers prometheus.Counter
	outputGaps    prometheus.Counter
	answerLatency prometheus.Histogram
	fanOut        prometheus.Histogram
	games         prometheus.Counter

	// lobby is what the room and player gauges read at each scrape (set by
	// New): levels counted from events drift (a room taken over arrives
	// with its players, an ended game's players never left); read from the
	// lobby they are true whenever they are scraped.
	lobby atomic.Pointer[lobby.Lobby]
}

var (
	_ lobby.Observer = (*Metrics)(nil)
	_ ws.Observer    = (*Metrics)(nil)
)

// NewMetrics registers every series on a fresh registry (with Go and
// process collectors).
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		connections: prometheus.NewGauge(prometheus.GaugeOpts{Name: "quizroom_connections",
			Help: "Open WebSocket connections."}),
		closes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "quizroom_connection_closes_total",
			Help: "Closed WebSocket connections by close reason."}, []string{"reason"}),
		messagesIn: prometheus.NewCounter(prometheus.CounterOpts{Name: "quizroom_messages_in_total",
			Help: "WebSocket messages read from clients."}),
		messagesOut: prometheus.NewCounter(prometheus.CounterOpts{Name: "quizroom_messages_out_total",
			Help: "WebSocket messages written to clients."}),
		slowConsumers: prometheus.NewCounter(prometheus.CounterOpts{Name: "quizroom_slow_consumer_closes_total",
			Help: "Connections closed because their write queue was full."}),
		outputGaps: prometheus.NewCounter(prometheus.CounterOpts{Name: "quizroom_output_gaps_total",
			Help: "Room outputs lost between the owner and this instance (each triggers a resync)."}),
		answerLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "quizroom_answer_ack_seconds",
			Help:    "From reading an answer to queueing its acknowledgement.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2.5, 12)}),
		fanOut: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "quizroom_fanout_seconds",
			Help:    "Time to queue one broadcast to every local connection of a room.",
			Buckets: prometheus.ExponentialBuckets(0.00001, 3, 12)}),
		games: prometheus.NewCounter(prometheus.CounterOpts{Name: "quizroom_games_created_total",
			Help: "Games created on this instance."}),
	}
	level := func(read func(*lobby.Lobby) int) func() float64 {
		return func() float64 {
			if l := m.lobby.Load(); l != nil {
				return float64(read(l))
			}
			return 0
		}
	}
	m.rooms = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "quizroom_rooms",
		Help: "Rooms whose actor runs on this instance."}, level((*lobby.Lobby).Rooms))
	m.players = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "quizroom_players",
		Help: "Players (joined, not left) in the rooms this instance runs."}, level((*lobby.Lobby).Players))
	m.Registry.MustRegister(m.connections, m.closes, m.rooms, m.players, m.messagesIn, m.messagesOut,
		m.slowConsumers, m.outputGaps, m.answerLatency, m.fanOut, m.games,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// track makes the room and player gauges read l.
func (m *Metrics) track(l *lobby.Lobby) { m.lobby.Store(l) }

func (m *Metrics) FanOut(d time.Duration, _ int) { m.fanOut.Observe(d.Seconds()) }
func (m *Metrics) AnswerAcked(d time.Duration)   { m.answerLatency.Observe(d.Seconds()) }
func (m *Metrics) OutputGap()                    { m.outputGaps.Inc() }
func (m *Metrics) ConnOpened()                   { m.connections.Inc() }
func (m *Metrics) ConnClosed(reason string) {
	m.connections.Dec()
	m.closes.WithLabelValues(reason).Inc()
}
func (m *Metrics) MessageIn()    { m.messagesIn.Inc() }
func (m *Metrics) MessageOut()   { m.messagesOut.Inc() }
func (m *Metrics) SlowConsumer() { m.slowConsumers.Inc() }
