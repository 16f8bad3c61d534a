package httpapi

import (
	"fmt"
	"testing"

	"github.com/quizroom/quizroom/game/bank"
)

func TestParsedBankCacheIsBounded(t *testing.T) {
	withItems := func(n int) *bank.Bank { return &bank.Bank{Items: make([]bank.Item, n)} }
	var p parsedBanks
	p.put("a", withItems(12_000))
	p.put("b", withItems(7_000))
	p.put("c", withItems(2_000)) // 21,000 items: a goes
	if p.get("a") != nil || p.get("b") == nil || p.get("c") == nil || p.items != 9_000 {
		t.Fatalf("after 21,000 items: a %v b %v c %v, %d items held", p.get("a") != nil, p.get("b") != nil, p.get("c") != nil, p.items)
	}
	for i := range parsedBankCache + 5 {
		p.put(fmt.Sprint(i), withItems(1))
	}
	if len(p.order) != parsedBankCache || len(p.banks) != parsedBankCache || p.get("b") != nil {
		t.Fatalf("%d banks held (%d in the map), want %d", len(p.order), len(p.banks), parsedBankCache)
	}
	p.put("huge", withItems(parsedBankCacheItems+1)) // alone over the budget: kept alone
	if len(p.order) != 1 || p.get("huge") == nil {
		t.Fatalf("a bank over the budget: %d banks held", len(p.order))
	}
}
