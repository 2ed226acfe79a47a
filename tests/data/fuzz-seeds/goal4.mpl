(>[a,b,c,d,e](&(in3[a,b,d,+])(in3[d,c,e,+]))(>[f](in3[b,c,f,+])(in3[a,f,e,+])))
