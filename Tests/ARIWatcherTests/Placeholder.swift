// placeholder until the ARI/AMI tests land
