//go:build !linux

package ws

import "net"

// socketRoom is the send-buffer check of socketroom_linux.go; elsewhere no
// socket is asked, and every frame goes through the writers.
type socketRoom struct{}

func newSocketRoom(net.Conn) *socketRoom { return nil }

func (s *socketRoom) takes(int) bool { return false }
