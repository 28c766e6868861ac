package trust

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// lru is the bounded, least-recently-used map behind the verification
// cache (VerifyCache) and the chain memo (sigmemo.go), keyed on a SHA-256.
// It is safe for concurrent use.
type lru[V comparable] struct {
	mu    sync.Mutex
	max   int
	ll    list.List // of *lruEntry[V], front = most recently used
	items map[[sha256.Size]byte]*list.Element
}

type lruEntry[V comparable] struct {
	key [sha256.Size]byte
	val V
}

func newLRU[V comparable](max int) *lru[V] {
	return &lru[V]{max: max, items: map[[sha256.Size]byte]*list.Element{}}
}

// get returns the value for key and marks it recently used.
func (c *lru[V]) get(key [sha256.Size]byte) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.ll.MoveToFront(el)
	return el.Value.(*lruEntry[V]).val, true
}

// drop removes the entry for key if its value is still v (a caller found
// v stale; a newer value put meanwhile stays).
func (c *lru[V]) drop(key [sha256.Size]byte, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok && el.Value.(*lruEntry[V]).val == v {
		c.ll.Remove(el)
		delete(c.items, key)
	}
}

// put stores v under key, dropping the least recently used entries beyond
// the bound.
func (c *lru[V]) put(key [sha256.Size]byte, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value = &lruEntry[V]{key: key, val: v}
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&lruEntry[V]{key: key, val: v})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*lruEntry[V]).key)
	}
}

func (c *lru[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

func (c *lru[V]) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	c.items = map[[sha256.Size]byte]*list.Element{}
}
