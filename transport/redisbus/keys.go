package redisbus

// keys names every key of one room. The braces make the PIN the Cluster hash
// tag, so all of a room's keys share one slot.
type keys struct {
	pin, owner, in, state, out, last, term string
}

func (b *Bus) keys(room string) keys {
	base := b.prefix + ":{" + room + "}:"
	return keys{
		pin:   base + "pin",
		owner: base + "owner",
		in:    base + "in",
		state: base + "state",
		out:   base + "out",
		last:  base + "last",
		term:  base + "term",
	}
}
