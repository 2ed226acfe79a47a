(>[a,b,c,d](&(in2[a,c,s])(in3[a,b,d,+]))(>[e](in2[d,e,s])(in3[c,b,e,+])))
