package batch

// Update changes the entry of one instance and returns once the change is
// durable. (A stand-in for the journaled Store.Update of the state work; it
// goes when that lands.)
func (s *Store) Update(instanceID string, fn func(*Entry)) error {
	var prev *Entry
	return s.change(func(st *State) {
		prev = st.Migrations[instanceID]
		e := &Entry{}
		if prev != nil {
			c := *prev
			e = &c
		}
		fn(e)
		st.Migrations[instanceID] = e
	}, func(st *State) {
		if prev != nil {
			st.Migrations[instanceID] = prev
		} else {
			delete(st.Migrations, instanceID)
		}
	})
}
