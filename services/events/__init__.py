"""Events: recorded in the unit of work, published after commit, relayed to subscribers."""
