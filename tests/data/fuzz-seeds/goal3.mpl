(>[a,b,c](in3[a,b,c,+])(in3[b,a,c,+]))
