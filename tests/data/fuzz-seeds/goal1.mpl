(>[a](in[a,N])(in3[i0,a,a,+]))
